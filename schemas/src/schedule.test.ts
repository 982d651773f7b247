import { describe, expect, it } from 'vitest';
import { formatVn, parseVnDateTime, ScheduleInputSchema, vnDateStart } from './schedule.js';

describe('Vietnam time', () => {
  it('reads a wall time without offset as UTC+7', () => {
    expect(new Date(parseVnDateTime('2026-11-21T07:00')).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(new Date(parseVnDateTime('2026-01-01T03:00')).toISOString()).toBe('2025-12-31T20:00:00.000Z');
  });
  it('takes an instant with an offset from a browser elsewhere as that instant', () => {
    // A browser in Paris (UTC+1 in winter) sending 01:00 means 07:00 in Vietnam.
    expect(formatVn(parseVnDateTime('2026-11-21T01:00:00+01:00'))).toBe('2026-11-21 07:00');
    // And in summer (UTC+2) the same wall time is another instant: no daylight saving leaks into Vietnam.
    expect(formatVn(parseVnDateTime('2026-07-01T02:00:00+02:00'))).toBe('2026-07-01 07:00');
    expect(formatVn(parseVnDateTime('2026-11-21T00:00:00Z'))).toBe('2026-11-21 07:00');
  });
  it('refuses impossible dates', () => {
    expect(parseVnDateTime('2026-02-30T07:00')).toBeNaN();
    expect(parseVnDateTime('2026-11-21T25:00')).toBeNaN();
    expect(parseVnDateTime('tomorrow')).toBeNaN();
  });
  it('starts a local date at local midnight', () => {
    expect(new Date(vnDateStart('2026-11-22')).toISOString()).toBe('2026-11-21T17:00:00.000Z');
  });
});

describe('ScheduleInputSchema', () => {
  const base = { bulletinId: 1, targets: [{ unit: '46' }], recurrence: { kind: 'daily', time: '06:30' } };
  it('accepts the kinds of recurrence', () => {
    for (const recurrence of [
      { kind: 'once', at: '2026-11-21T07:00' },
      { kind: 'daily', time: '17:00' },
      { kind: 'weekly', days: [1, 3, 5], time: '06:00' },
      { kind: 'cron', expr: '0 30 6 * * 1-5' },
    ])
      expect(ScheduleInputSchema.safeParse({ ...base, recurrence }).success).toBe(true);
  });
  it('refuses a start after the end, bad times and empty targets', () => {
    expect(
      ScheduleInputSchema.safeParse({ ...base, startDate: '2026-12-02', endDate: '2026-12-01' }).error?.message,
    ).toMatch(/after the end/);
    expect(ScheduleInputSchema.safeParse({ ...base, recurrence: { kind: 'daily', time: '24:00' } }).success).toBe(
      false,
    );
    expect(ScheduleInputSchema.safeParse({ ...base, targets: [] }).success).toBe(false);
    expect(
      ScheduleInputSchema.safeParse({ ...base, recurrence: { kind: 'weekly', days: [0], time: '06:00' } }).success,
    ).toBe(false);
  });
});
