import type { PlaylistItem } from '@nguon/protocols';

/** What the receiver did with an occurrence, as its journal on disk remembers it across restarts. */
export interface Journal {
  started(key: string): { startedAt: number; ended: boolean } | undefined;
}

export type Decision =
  | { kind: 'play'; item: PlaylistItem; offsetMs: number }
  | { kind: 'wait'; item: PlaylistItem; untilMs: number }
  | { kind: 'idle' };

/** How late an item may start and still play from its beginning (a slow boot, a busy moment). */
export const LATE_START_MS = 3_000;
/** Joining an item in progress makes no sense for its last seconds. */
export const MIN_REMAINING_MS = 2_000;

/**
 * What to do now, in server time. An item whose instant has come plays from the start if it is at most
 * LATE_START_MS late; later than that (the receiver was off, or restarted in the middle) it joins at the
 * point the item has reached, like radio, and is never replayed from the start. Finished items are done.
 */
export function decide(items: readonly PlaylistItem[], now: number, journal: Journal): Decision {
  const sorted = [...items].sort((a, b) => a.startAt - b.startAt || (a.key < b.key ? -1 : 1));
  for (const item of sorted) {
    const end = item.startAt + item.durationMs;
    if (end <= now + MIN_REMAINING_MS && item.startAt < now) continue; // over, or nearly
    const seen = journal.started(item.key);
    if (seen?.ended) continue;
    if (item.startAt > now) return { kind: 'wait', item, untilMs: item.startAt };
    const late = now - item.startAt;
    return { kind: 'play', item, offsetMs: !seen && late <= LATE_START_MS ? 0 : late };
  }
  return { kind: 'idle' };
}

/** Every media file the programme needs, soonest first: what to prefetch and keep in the cache. */
export function neededMedia(items: readonly PlaylistItem[], now: number): string[] {
  const out: string[] = [];
  for (const item of [...items].sort((a, b) => a.startAt - b.startAt)) {
    if (item.startAt + item.durationMs <= now) continue;
    for (const m of item.media) if (!out.includes(m.sha256)) out.push(m.sha256);
  }
  return out;
}
