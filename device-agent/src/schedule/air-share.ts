import type { PlaylistItem } from '@nguon/protocols';
import type { Logger } from 'pino';
import { arbitrate } from '../playback/arbitration.js';
import type { NowPlaying } from '../playback/playback.service.js';
import { MIN_REMAINING_MS } from './programme.js';
import type { ScheduleStore } from './schedule-store.js';

/**
 * How the programme shares the air with live plays (mission.md §3 and §4.6; rules in
 * playback/arbitration.ts): the items a live play holds back, the items it interrupted, and what becomes
 * of each once the air is free or its window has closed.
 */
export function createAirShare(deps: {
  store: Pick<ScheduleStore, 'started' | 'end'>;
  skip: (item: PlaylistItem, reason: string) => void;
  log: Logger;
}) {
  /** Items held back by a live play of at least their priority, with what held them. */
  const heldBack = new Map<string, string>();
  /** Items a live play interrupted, with the reason their `interrupted` log gave. */
  const interrupted = new Map<string, string>();

  return {
    /** A live play of at least the item's priority keeps the air; the item joins when it ends. */
    holdsBack(item: PlaylistItem, cur: NowPlaying | null): boolean {
      if (cur === null || arbitrate({ playId: item.key, priority: item.priority, scheduled: true }, cur).ok)
        return false;
      if (!heldBack.has(item.key))
        deps.log.info({ key: item.key, by: cur.playId }, 'scheduled item waits for a live play');
      heldBack.set(item.key, cur.playId);
      return true;
    },

    /** Its `interrupted` log was sent: it is not over, it comes back when the air is free. */
    interrupted(key: string, reason: string): void {
      interrupted.set(key, reason);
    },

    /** The item goes on air: returns why it went off before (`interrupted by …`), if it did. */
    takeOver(key: string): string | undefined {
      if (heldBack.size > 0) heldBack.delete(key);
      const after = interrupted.size > 0 ? interrupted.get(key) : undefined;
      if (after !== undefined) interrupted.delete(key);
      return after;
    },

    /**
     * Items whose window has closed. The rule for an interrupted item (issue 6): once the air is free it
     * comes back where the programme has got to, like radio — never from its start, so the items after
     * it keep their instants. With less than MIN_REMAINING_MS of its window left it does not come back,
     * and its last log stays `interrupted`, naming what interrupted it. A held-back item that never got
     * the air is logged skipped, naming the live play.
     */
    settle(list: readonly PlaylistItem[], now: number): void {
      const closed = (key: string) => {
        const item = list.find((i) => i.key === key);
        return { item, open: item !== undefined && item.startAt + item.durationMs > now + MIN_REMAINING_MS };
      };
      // Interrupted items first: ended in the journal, they are never also logged skipped below.
      for (const key of interrupted.keys()) {
        const { item, open } = closed(key);
        if (open) continue;
        interrupted.delete(key);
        if (item) deps.store.end(item.key, item.startAt, 'stopped');
      }
      for (const [key, by] of heldBack) {
        const { item, open } = closed(key);
        if (open) continue;
        heldBack.delete(key);
        if (item && !deps.store.started(key)?.ended) deps.skip(item, `preempted by live play ${by}`);
      }
    },
  };
}
export type AirShare = ReturnType<typeof createAirShare>;
