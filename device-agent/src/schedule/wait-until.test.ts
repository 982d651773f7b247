import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.js';

const fired = (at: number, now: () => number) =>
  new Promise<number>((resolve) => {
    waitUntil(at, now, () => resolve(now()));
  });

describe('waitUntil (real timers)', () => {
  it('fires at the instant, not a timer tick late', async () => {
    const lateness: number[] = [];
    for (let i = 0; i < 9; i++) {
      const at = performance.now() + 30 + i * 7;
      lateness.push((await fired(at, () => performance.now())) - at);
    }
    lateness.sort((a, b) => a - b);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    // A plain setTimeout is typically 1 ms late or more; the spin makes the median a fraction of that.
    // The worst is left loose: on a shared machine the process may simply not be running at the instant.
    expect(lateness[4]).toBeLessThan(1);
    expect(lateness[8]).toBeLessThan(50);
  });

  it('follows a clock estimate that moves during the wait', async () => {
    let offset = 0;
    const now = () => performance.now() + offset;
    const start = performance.now();
    const at = now() + 2_000;
    const p = fired(at, now);
    // The estimate jumps 1.9 s ahead: the instant is reached about 1.9 s earlier than first planned.
    setTimeout(() => {
      offset = 1_900;
    }, 20);
    expect(await p).toBeGreaterThanOrEqual(at);
    expect(performance.now() - start).toBeLessThan(1_200);
  });

  it('never calls back synchronously, and not at all once cancelled', async () => {
    let calls = 0;
    const cancel = waitUntil(
      0,
      () => 1,
      () => calls++,
    );
    expect(calls).toBe(0);
    cancel();
    await fired(performance.now() + 10, () => performance.now());
    expect(calls).toBe(0);
  });
});
