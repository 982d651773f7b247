import { describe, expect, it } from 'vitest';
import type { Schedule } from './api/schedules.js';
import { vnClock, vnDate, vnWeekStart, weekGrid, weekOccurrences } from './week.js';

const base: Schedule = {
  id: 1,
  unitId: 1,
  bulletinId: 1,
  title: 'Bản tin sáng',
  recurrence: { kind: 'daily', time: '06:30' },
  startDate: null,
  endDate: null,
  repeat: null,
  targets: [{ unit: '19753' }],
  beforeIncomingPriority: false,
  state: 'active',
  revision: 1,
  createdAt: 0,
  next: [],
};
// Monday 16 November 2026, 00:00 in Vietnam = Sunday 15 November 17:00 UTC.
const MONDAY = Date.parse('2026-11-15T17:00:00Z');

describe('the week calendar in Vietnam time', () => {
  it('starts weeks on Monday 00:00 UTC+7, whatever the instant inside it', () => {
    expect(vnWeekStart(MONDAY)).toBe(MONDAY);
    expect(vnWeekStart(Date.parse('2026-11-22T16:59:59Z'))).toBe(MONDAY); // Sunday 23:59:59 in Vietnam
    expect(vnWeekStart(Date.parse('2026-11-22T17:00:00Z'))).toBe(MONDAY + 7 * 86_400_000);
    expect(vnDate(MONDAY)).toBe('2026-11-16');
    expect(vnClock(MONDAY + 6.5 * 3_600_000)).toBe('06:30');
  });

  it('expands daily and weekly rules at their Vietnam wall time, within the date range', () => {
    const daily = weekOccurrences({ ...base, startDate: '2026-11-18', endDate: '2026-11-20' }, MONDAY);
    expect(daily.map((o) => `${vnDate(o.at)} ${vnClock(o.at)}`)).toEqual([
      '2026-11-18 06:30',
      '2026-11-19 06:30',
      '2026-11-20 06:30',
    ]);
    const weekly = weekOccurrences({ ...base, recurrence: { kind: 'weekly', days: [1, 7], time: '17:00' } }, MONDAY);
    expect(weekly.map((o) => vnDate(o.at))).toEqual(['2026-11-16', '2026-11-22']);
  });

  it('repeats each occurrence and places a one-off by its instant', () => {
    const rep = weekOccurrences({ ...base, repeat: { count: 3, intervalMinutes: 15 }, endDate: '2026-11-16' }, MONDAY);
    expect(rep.map((o) => vnClock(o.at))).toEqual(['06:30', '06:45', '07:00']);
    const once = weekOccurrences({ ...base, recurrence: { kind: 'once', at: '2026-11-21T07:05' } }, MONDAY);
    expect(once.map((o) => `${vnDate(o.at)} ${vnClock(o.at)}`)).toEqual(['2026-11-21 07:05']);
    expect(weekOccurrences({ ...base, recurrence: { kind: 'once', at: '2026-11-30T07:05' } }, MONDAY)).toEqual([]);
  });

  it('shows cron rules by the next instants the server listed, and leaves cancelled schedules out', () => {
    const cron = {
      ...base,
      recurrence: { kind: 'cron' as const, expr: '0 7 * * 1-5' },
      next: [{ at: '2026-11-17T00:00:00.000Z', local: '' }],
    };
    const days = weekGrid([cron, { ...base, id: 2, state: 'cancelled' }], MONDAY);
    expect(days.map((d) => d.length)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(vnClock(days[1]![0]!.at)).toBe('07:00');
  });
});
