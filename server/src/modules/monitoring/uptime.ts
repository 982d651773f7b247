/**
 * Exact uptime from presence transitions (issue 8). Pure: the caller gives the receiver's state just
 * before the window, its transitions inside it, and when it existed (registered, not revoked).
 */
export interface Transition {
  state: 'online' | 'offline';
  at: number;
}

export interface Span {
  from: number;
  to: number;
}

export interface Uptime {
  onlineMs: number;
  /** Time in the window during which the receiver existed: the denominator. */
  windowMs: number;
}

/**
 * Online time of one receiver in `window`, counting only the part of it where the receiver existed.
 * `before` is the state in force at `window.from` (offline when it never connected). `transitions` must be
 * sorted by time; ones outside the window are ignored except to set the state at its start.
 */
export function uptimeOf(
  before: Transition['state'],
  transitions: readonly Transition[],
  window: Span,
  existed: Span,
): Uptime {
  const from = Math.max(window.from, existed.from);
  const to = Math.min(window.to, existed.to);
  if (to <= from) return { onlineMs: 0, windowMs: 0 };
  let state = before;
  let at = from;
  let onlineMs = 0;
  for (const t of transitions) {
    if (t.at <= from) {
      state = t.state;
      continue;
    }
    if (t.at >= to) break;
    if (state === 'online') onlineMs += t.at - at;
    state = t.state;
    at = t.at;
  }
  if (state === 'online') onlineMs += to - at;
  return { onlineMs, windowMs: to - from };
}

/** Sum of online time over sum of window time; null when no receiver existed in the window. */
export function ratio(parts: readonly Uptime[]): number | null {
  let on = 0;
  let all = 0;
  for (const p of parts) {
    on += p.onlineMs;
    all += p.windowMs;
  }
  return all === 0 ? null : on / all;
}

/** Splits [from, to) at Vietnam midnights (UTC+7, no daylight saving): one span per calendar day. */
export function vnDays(from: number, to: number): Array<Span & { day: string }> {
  const VN = 7 * 3_600_000;
  const DAY = 86_400_000;
  const out: Array<Span & { day: string }> = [];
  let start = from;
  while (start < to) {
    const dayStart = Math.floor((start + VN) / DAY) * DAY - VN;
    const end = Math.min(dayStart + DAY, to);
    out.push({ day: new Date(dayStart + VN).toISOString().slice(0, 10), from: start, to: end });
    start = end;
  }
  return out;
}
