import { formatVn } from '@nguon/schemas';
import type { ActiveSchedule } from './playlist-builder.js';
import { occurrenceKey } from './playlist-builder.js';
import { type PlanItem, resolveTimeline } from './priority.js';
import { occurrences } from './recurrence.js';

export const CONFLICT_WINDOW_MS = 14 * 86_400_000;

export interface Conflict {
  scheduleId: number;
  title: string;
  priority: number;
  origin: string;
  overlaps: number;
  devices: number;
  firstAt: string;
  /** What the priority rules do about it, in words an operator reads. */
  resolution: string;
}

const items = (s: ActiveSchedule, from: number, to: number): PlanItem[] =>
  occurrences(s.rule, from, to).map((at) => ({
    key: occurrenceKey(s, at),
    scheduleId: s.id,
    startAt: at,
    durationMs: s.durationMs,
    priority: s.priority,
    originLevel: s.originLevel,
    beforeIncomingPriority: s.beforeIncomingPriority,
    ownOrder: s.ownOrder,
  }));

const overlap = (a: PlanItem, b: PlanItem) =>
  a.startAt < b.startAt + b.durationMs && b.startAt < a.startAt + a.durationMs;

/**
 * Overlaps of a candidate schedule with the others on shared receivers over the coming two weeks, and
 * the resolution the rules give. Receivers reached by the same set of schedules are computed once.
 */
export function detectConflicts(candidate: ActiveSchedule, others: ActiveSchedule[], now: number): Conflict[] {
  const to = now + CONFLICT_WINDOW_MS;
  const mine = items(candidate, now, to);
  const bySignature = new Map<string, { schedules: ActiveSchedule[]; devices: number }>();
  for (const d of candidate.devices) {
    const sharing = others.filter((o) => o.id !== candidate.id && o.devices.has(d));
    if (sharing.length === 0) continue;
    const sig = sharing.map((o) => o.id).join(',');
    const entry = bySignature.get(sig) ?? { schedules: sharing, devices: 0 };
    entry.devices++;
    bySignature.set(sig, entry);
  }
  const found = new Map<number, Conflict & { delays: number[]; skipped: number; wins: number }>();
  for (const { schedules, devices } of bySignature.values()) {
    const theirs = schedules.flatMap((o) => items(o, now, to));
    const placed = new Map(resolveTimeline([...mine, ...theirs]).map((p) => [p.key, p]));
    for (const o of schedules) {
      const oItems = theirs.filter((t) => t.scheduleId === o.id);
      const hits = mine.filter((m) => oItems.some((t) => overlap(m, t)));
      if (hits.length === 0) continue;
      const c = found.get(o.id) ?? {
        scheduleId: o.id,
        title: o.title,
        priority: o.priority,
        origin: o.originLevel,
        overlaps: 0,
        devices: 0,
        firstAt: formatVn(hits[0]!.startAt),
        resolution: '',
        delays: [],
        skipped: 0,
        wins: 0,
      };
      c.overlaps = Math.max(c.overlaps, hits.length);
      c.devices += devices;
      for (const h of hits) {
        const p = placed.get(h.key)!;
        if (p.status === 'skipped') c.skipped++;
        else if (p.plannedStart > h.startAt) c.delays.push(p.plannedStart - h.startAt);
        else c.wins++;
      }
      found.set(o.id, c);
    }
  }
  return [...found.values()].map(({ delays, skipped, wins, ...c }) => {
    const parts: string[] = [];
    if (wins) parts.push(`yours plays first ${wins} time(s); theirs moves after yours`);
    if (delays.length)
      parts.push(`theirs plays first; yours starts up to ${Math.ceil(Math.max(...delays) / 60_000)} min later`);
    if (skipped) parts.push(`yours is skipped ${skipped} time(s): it would start too late`);
    return { ...c, resolution: parts.join('; ') };
  });
}
