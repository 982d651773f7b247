/**
 * The priority rules of Thông tư 39/2020 applied to one receiver's timeline:
 * emergency (1) > priority (2) > normal (3); within a level a higher origin wins
 * (national > province > district > commune); a commune may put its own priority items before
 * incoming priority items, and order its own priority items among themselves (`ownOrder`). A losing item is not cut: it is moved to the first gap after the winner,
 * or skipped (with the reason) when that gap comes too late.
 */
export const ORIGIN_RANK: Record<string, number> = { national: 0, province: 1, district: 2, commune: 3 };

export interface PlanItem {
  key: string;
  scheduleId: number;
  startAt: number;
  durationMs: number;
  priority: 1 | 2 | 3;
  /** Level of the unit that owns the schedule: national, province, district, commune (or deeper). */
  originLevel: string;
  beforeIncomingPriority?: boolean;
  /** A commune's order among its own priority items (1 first); absent = by start time. */
  ownOrder?: number | null;
}

export interface Placed extends PlanItem {
  status: 'planned' | 'skipped';
  plannedStart: number;
  /** The items this one yielded to (delayed or skipped because of them). */
  yieldedTo: string[];
  reason?: string;
}

/** Lower sorts first: the order in which items claim their time. */
export function precedence(a: PlanItem): [number, number, number, number] {
  const origin = ORIGIN_RANK[a.originLevel] ?? 4;
  const own = a.priority === 2 && a.beforeIncomingPriority ? -1 : origin;
  // The commune orders its own priority items among themselves; everything else goes by time.
  const order = a.priority === 2 && a.ownOrder != null ? a.ownOrder : Number.MAX_SAFE_INTEGER;
  return [a.priority, own, order, a.startAt];
}

function compare(a: PlanItem, b: PlanItem): number {
  const [x, y] = [precedence(a), precedence(b)];
  for (let i = 0; i < x.length; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

interface Interval {
  start: number;
  end: number;
  key: string;
}

/** First start ≥ `want` where [start, start + len) touches no placed interval. */
function firstGap(placed: Interval[], want: number, len: number): { start: number; blockers: string[] } {
  let start = want;
  const blockers: string[] = [];
  for (const iv of placed) {
    if (iv.end <= start) continue;
    if (iv.start >= start + len) break;
    blockers.push(iv.key);
    start = iv.end;
  }
  return { start, blockers };
}

export function resolveTimeline(items: PlanItem[], maxDelayMs = 30 * 60_000): Placed[] {
  const placed: Interval[] = [];
  const out: Placed[] = [];
  for (const item of [...items].sort(compare)) {
    const { start, blockers } = firstGap(placed, item.startAt, item.durationMs);
    if (start - item.startAt > maxDelayMs) {
      out.push({
        ...item,
        status: 'skipped',
        plannedStart: item.startAt,
        yieldedTo: blockers,
        reason: `would start ${Math.round((start - item.startAt) / 60_000)} min late`,
      });
      continue;
    }
    placed.push({ start, end: start + item.durationMs, key: item.key });
    placed.sort((a, b) => a.start - b.start);
    out.push({ ...item, status: 'planned', plannedStart: start, yieldedTo: blockers });
  }
  return out.sort((a, b) => a.plannedStart - b.plannedStart || compare(a, b));
}
