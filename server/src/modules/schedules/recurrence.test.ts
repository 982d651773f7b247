import { formatVn } from '@nguon/schemas';
import { describe, expect, it } from 'vitest';
import { occurrences, validateRule } from './recurrence.js';

const at = (s: string) => Date.parse(s);
const FROM = at('2026-11-21T00:00:00Z'); // Saturday 07:00 in Vietnam
const WEEK = 7 * 86_400_000;
const vn = (xs: number[]) => xs.map(formatVn);

describe('occurrences', () => {
  it('places a daily 06:30 at 06:30 Vietnam time', () => {
    const xs = occurrences({ recurrence: { kind: 'daily', time: '06:30' } }, FROM, FROM + 3 * 86_400_000);
    expect(vn(xs)).toEqual(['2026-11-22 06:30', '2026-11-23 06:30', '2026-11-24 06:30']);
  });

  it('plays weekly on the chosen ISO weekdays (Monday = 1, Sunday = 7)', () => {
    const xs = occurrences({ recurrence: { kind: 'weekly', days: [1, 3, 7], time: '17:00' } }, FROM, FROM + WEEK);
    expect(vn(xs)).toEqual(['2026-11-22 17:00', '2026-11-23 17:00', '2026-11-25 17:00']);
  });

  it('follows a cron expression in Vietnam time', () => {
    const xs = occurrences({ recurrence: { kind: 'cron', expr: '0 0 11 * * 1-5' } }, FROM, FROM + WEEK);
    expect(vn(xs)).toEqual([
      '2026-11-23 11:00',
      '2026-11-24 11:00',
      '2026-11-25 11:00',
      '2026-11-26 11:00',
      '2026-11-27 11:00',
    ]);
  });

  it('keeps to the date range, end date inclusive', () => {
    const spec = {
      recurrence: { kind: 'daily' as const, time: '06:30' },
      startDate: '2026-11-23',
      endDate: '2026-11-24',
    };
    expect(vn(occurrences(spec, FROM, FROM + WEEK))).toEqual(['2026-11-23 06:30', '2026-11-24 06:30']);
  });

  it('repeats each occurrence count times at the interval, including repeats of one begun before the window', () => {
    const spec = {
      recurrence: { kind: 'once' as const, at: '2026-11-21T08:00' },
      repeat: { count: 3, intervalMinutes: 30 },
    };
    expect(vn(occurrences(spec, FROM, FROM + WEEK))).toEqual([
      '2026-11-21 08:00',
      '2026-11-21 08:30',
      '2026-11-21 09:00',
    ]);
    expect(vn(occurrences(spec, at('2026-11-21T01:15:00Z'), FROM + WEEK))).toEqual([
      '2026-11-21 08:30',
      '2026-11-21 09:00',
    ]);
    const daily = { recurrence: { kind: 'daily' as const, time: '23:50' }, repeat: { count: 2, intervalMinutes: 20 } };
    expect(vn(occurrences(daily, at('2026-11-21T17:05:00Z'), at('2026-11-21T17:30:00Z')))).toEqual([
      '2026-11-22 00:10',
    ]);
  });

  it('gives the same instants however the window is cut (no doubles, no gaps at a restart)', () => {
    const spec = { recurrence: { kind: 'cron' as const, expr: '0 */30 6-20 * * *' } };
    const whole = occurrences(spec, FROM, FROM + 2 * 86_400_000);
    const cut = FROM + 86_400_000 + 17 * 60_000;
    expect([...occurrences(spec, FROM, cut), ...occurrences(spec, cut, FROM + 2 * 86_400_000)]).toEqual(whole);
  });
});

describe('validateRule', () => {
  it('refuses an invalid, never-firing or too frequent cron and a past one-off', () => {
    expect(() => validateRule({ recurrence: { kind: 'cron', expr: 'every day at noon' } }, FROM)).toThrow(
      /invalid cron/,
    );
    expect(() => validateRule({ recurrence: { kind: 'cron', expr: '* * * * * *' } }, FROM)).toThrow(/more often/);
    expect(() => validateRule({ recurrence: { kind: 'cron', expr: '0 0 0 30 2 *' } }, FROM)).toThrow(/never fires/);
    expect(() => validateRule({ recurrence: { kind: 'once', at: '2020-01-01T07:00' } }, FROM)).toThrow(/past/);
    expect(() => validateRule({ recurrence: { kind: 'daily', time: '06:30' } }, FROM)).not.toThrow();
  });
});
