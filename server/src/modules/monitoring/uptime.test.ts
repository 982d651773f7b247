import { describe, expect, it } from 'vitest';
import { ratio, uptimeOf, vnDays } from './uptime.js';

const H = 3_600_000;
const on = (at: number) => ({ state: 'online' as const, at });
const off = (at: number) => ({ state: 'offline' as const, at });

describe('uptime from transitions', () => {
  it('is exact for a scripted sequence', () => {
    // online 0–2 h, offline 2–2.5 h, online 2.5–5 h, offline 5–10 h
    const tr = [on(0), off(2 * H), on(2.5 * H), off(5 * H)];
    expect(uptimeOf('offline', tr, { from: 0, to: 10 * H }, { from: 0, to: Infinity })).toEqual({
      onlineMs: 4.5 * H,
      windowMs: 10 * H,
    });
    // A window cutting through an online span uses the state in force at its start.
    expect(uptimeOf('offline', tr, { from: 1 * H, to: 3 * H }, { from: 0, to: Infinity })).toEqual({
      onlineMs: 1.5 * H,
      windowMs: 2 * H,
    });
  });

  it('takes the state before the window from `before` when no transition precedes it', () => {
    expect(uptimeOf('online', [off(3 * H)], { from: 1 * H, to: 4 * H }, { from: 0, to: Infinity }).onlineMs).toBe(
      2 * H,
    );
    expect(uptimeOf('offline', [], { from: 0, to: H }, { from: 0, to: Infinity })).toEqual({
      onlineMs: 0,
      windowMs: H,
    });
  });

  it('counts only the time the receiver existed', () => {
    const u = uptimeOf('offline', [on(5 * H)], { from: 0, to: 10 * H }, { from: 4 * H, to: 8 * H });
    expect(u).toEqual({ onlineMs: 3 * H, windowMs: 4 * H });
    expect(uptimeOf('online', [], { from: 0, to: H }, { from: 2 * H, to: 3 * H })).toEqual({
      onlineMs: 0,
      windowMs: 0,
    });
  });

  it('aggregates as the sum of online time over the sum of window time', () => {
    expect(
      ratio([
        { onlineMs: 9, windowMs: 10 },
        { onlineMs: 0, windowMs: 10 },
      ]),
    ).toBe(0.45);
    expect(ratio([{ onlineMs: 0, windowMs: 0 }])).toBeNull();
  });

  it('splits periods at Vietnam midnight', () => {
    const from = Date.parse('2026-11-20T12:00:00+07:00');
    const to = Date.parse('2026-11-22T06:00:00+07:00');
    const days = vnDays(from, to);
    expect(days.map((d) => d.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(days[1]).toMatchObject({
      from: Date.parse('2026-11-21T00:00:00+07:00'),
      to: Date.parse('2026-11-22T00:00:00+07:00'),
    });
  });
});
