import { parseVnDateTime, VN_OFFSET_MS } from '@nguon/schemas';
import type { Schedule } from './api/schedules.js';

const DAY = 86_400_000;

/** Monday 00:00 in Vietnam of the week holding `ms` (Vietnam has no daylight saving: days are 24 h). */
export function vnWeekStart(ms: number): number {
  const local = ms + VN_OFFSET_MS;
  const dayStart = local - (((local % DAY) + DAY) % DAY);
  const isoDay = ((new Date(dayStart).getUTCDay() + 6) % 7) + 1; // 1 Monday … 7 Sunday
  return dayStart - (isoDay - 1) * DAY - VN_OFFSET_MS;
}

/** `YYYY-MM-DD` of an instant in Vietnam. */
export const vnDate = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
/** `HH:mm` of an instant in Vietnam. */
export const vnClock = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(11, 16);

export interface Occurrence {
  scheduleId: number;
  title: string;
  at: number;
  state: Schedule['state'];
}

/**
 * The occurrences of a schedule in the week from `weekStart`, for the calendar. Once, daily and weekly
 * rules are expanded here exactly as the server does (Vietnam wall time, date range inclusive, repeats);
 * cron rules show the next occurrences the server listed.
 */
export function weekOccurrences(s: Schedule, weekStart: number): Occurrence[] {
  const end = weekStart + 7 * DAY;
  const starts: number[] = [];
  const r = s.recurrence;
  const inRange = (at: number) =>
    (!s.startDate || vnDate(at) >= s.startDate) && (!s.endDate || vnDate(at) <= s.endDate);
  if (r.kind === 'once') starts.push(parseVnDateTime(r.at));
  else if (r.kind === 'daily' || r.kind === 'weekly') {
    for (let d = 0; d < 7; d++) {
      const day = weekStart + d * DAY;
      if (r.kind === 'weekly' && !r.days.includes(d + 1)) continue;
      starts.push(parseVnDateTime(`${vnDate(day)}T${r.time}`));
    }
  } else {
    return s.next
      .map((n) => Date.parse(n.at))
      .filter((at) => at >= weekStart && at < end)
      .map((at) => ({ scheduleId: s.id, title: s.title, at, state: s.state }));
  }
  const out: Occurrence[] = [];
  for (const base of starts) {
    if (Number.isNaN(base) || (r.kind !== 'once' && !inRange(base))) continue;
    const count = s.repeat?.count ?? 1;
    for (let i = 0; i < count; i++) {
      const at = base + i * (s.repeat?.intervalMinutes ?? 0) * 60_000;
      if (at >= weekStart && at < end) out.push({ scheduleId: s.id, title: s.title, at, state: s.state });
    }
  }
  return out;
}

/** The week's occurrences of all schedules, by day (index 0 = Monday), each day in time order. */
export function weekGrid(list: readonly Schedule[], weekStart: number): Occurrence[][] {
  const days: Occurrence[][] = Array.from({ length: 7 }, () => []);
  for (const s of list) {
    if (s.state === 'cancelled') continue;
    for (const o of weekOccurrences(s, weekStart)) days[Math.floor((o.at - weekStart) / DAY)]!.push(o);
  }
  for (const d of days) d.sort((a, b) => a.at - b.at);
  return days;
}
