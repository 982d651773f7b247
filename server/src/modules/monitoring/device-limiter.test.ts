import { describe, expect, it } from 'vitest';
import { createDeviceLimiter } from './device-limiter.js';

describe('per-device token bucket', () => {
  it('lets a burst through, then the sustained rate, and reports refusals once per window', () => {
    let now = 0;
    const windows: Array<Map<string, number>> = [];
    const l = createDeviceLimiter({
      rate: 2,
      burst: 5,
      clock: () => now,
      windowMs: 10_000,
      onWindow: (m) => windows.push(m),
    });
    const passed = Array.from({ length: 10 }, () => l.take('a')).filter(Boolean).length;
    expect(passed).toBe(5);
    expect(l.take('b')).toBe(true); // another receiver has its own bucket
    now += 1000;
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, false]);
    expect(l.refusedTotal()).toBe(6);
    expect(windows).toEqual([]);
    now += 10_000;
    l.take('a');
    expect(windows).toEqual([new Map([['a', 6]])]);
  });
});
