import type { TimeRequest, TimeResponse } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bestSample, clockSample } from './clock-math.js';
import { createServerClock } from './server-clock.js';

const T = 1_790_000_000_000;
const MIN5 = 5 * 60_000;
const silent = pino({ level: 'silent' });

describe('clock maths', () => {
  it.each([
    ['5 minutes behind', MIN5],
    ['5 minutes ahead', -MIN5],
  ])('recovers an offset exactly with symmetric delays (device %s)', (_name, offset) => {
    // Server receives 20 ms after the device sent, spends 3 ms, the answer takes 20 ms back.
    const t0 = T;
    const t1 = t0 - 0 + offset + 20;
    const t2 = t1 + 3;
    const t3 = t2 - offset + 20;
    expect(clockSample({ t0, t1, t2, t3 })).toEqual({ offsetMs: offset, delayMs: 40 });
  });

  it('errs by half the asymmetry when the two directions differ', () => {
    // 90 ms up (a congested 3G uplink), 10 ms down.
    const offset = MIN5;
    const t0 = T;
    const t1 = t0 + offset + 90;
    const t2 = t1 + 5;
    const t3 = t2 - offset + 10;
    const s = clockSample({ t0, t1, t2, t3 });
    expect(s.delayMs).toBe(100);
    expect(s.offsetMs - offset).toBe(40);
    expect(Math.abs(s.offsetMs - offset)).toBeLessThanOrEqual(s.delayMs / 2);
  });

  it('keeps the sample with the smallest delay and ignores negative delays', () => {
    expect(
      bestSample([
        { offsetMs: 300, delayMs: 400 },
        { offsetMs: 12, delayMs: 30 },
        { offsetMs: 999, delayMs: -5 },
        { offsetMs: 40, delayMs: 90 },
      ]),
    ).toEqual({ offsetMs: 12, delayMs: 30 });
    expect(bestSample([])).toBeNull();
  });
});

/**
 * A simulated link: the server's clock is true time, the device's is skewed; each request takes
 * `up(i)` ms to arrive and the answer `down(i)` ms to return. Fake timers carry the delays.
 */
function simulate(opts: { skewMs: number; up: (i: number) => number; down: (i: number) => number; lost?: number[] }) {
  let i = 0;
  const device = () => Date.now() + opts.skewMs;
  let clock: ReturnType<typeof createServerClock>;
  const send = async (req: TimeRequest) => {
    const n = i++;
    if (opts.lost?.includes(n)) return;
    setTimeout(() => {
      const t1 = Date.now();
      const t2 = t1 + 2;
      const res: TimeResponse = { v: 1, id: `r${n}`, ts: t2, requestId: req.id, t0: req.t0, t1, t2 };
      setTimeout(() => clock.onResponse(res), opts.down(n) + 2);
    }, opts.up(n));
  };
  clock = createServerClock({ now: device, send, logger: silent, responseTimeoutMs: 1_000 });
  return clock;
}

describe('server clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['behind', -MIN5],
    ['ahead', MIN5],
  ])('a device clock 5 minutes %s learns server time within the link asymmetry', async (_n, skewMs) => {
    vi.useFakeTimers({ now: T });
    // Mostly congested samples; number 5 went through a quiet link both ways.
    const clock = simulate({ skewMs, up: (i) => (i === 5 ? 8 : 150 + 40 * i), down: (i) => (i === 5 ? 6 : 20) });
    expect(clock.offsetMs()).toBeNull();
    const round = clock.syncNow();
    await vi.runAllTimersAsync();
    const sample = await round;
    expect(sample?.delayMs).toBe(14);
    expect(clock.offsetMs()).toBe(-skewMs + 1);
    expect(Math.abs(clock.serverNow() - Date.now())).toBeLessThanOrEqual(7);
    clock.stop();
  });

  it('keeps working when samples are lost, and reports null when none came back', async () => {
    vi.useFakeTimers({ now: T });
    const clock = simulate({ skewMs: MIN5, up: () => 10, down: () => 10, lost: [0, 1, 2, 3, 4, 5, 6] });
    const first = clock.syncNow();
    await vi.runAllTimersAsync();
    expect((await first)?.delayMs).toBe(20);
    expect(clock.offsetMs()).toBe(-MIN5);
    clock.stop();

    const deaf = simulate({ skewMs: MIN5, up: () => 10, down: () => 10, lost: [0, 1, 2, 3, 4, 5, 6, 7] });
    const nothing = deaf.syncNow();
    const ready = deaf.whenSynced(5_000);
    await vi.runAllTimersAsync();
    expect(await nothing).toBeNull();
    expect(await ready).toBe(false);
    // Without a sync it falls back on the device clock.
    expect(deaf.serverNow()).toBe(Date.now() + MIN5);
    deaf.stop();
  });

  it('syncs on connect, again after the interval, and stops on disconnect', async () => {
    vi.useFakeTimers({ now: T });
    const sent: TimeRequest[] = [];
    const clock = createServerClock({
      now: Date.now,
      send: async (req) => {
        sent.push(req);
      },
      logger: silent,
      samples: 2,
      spacingMs: 10,
      responseTimeoutMs: 100,
      intervalMs: 60_000,
      random: () => 0.5,
    });
    clock.onConnect();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(4);
    clock.onDisconnect();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent).toHaveLength(4);
    clock.stop();
  });
});
