import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFlakinessDriver } from './flakiness.js';

describe('flakiness driver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('cuts and restores each link on its own schedule, and restores every link when switched off', () => {
    const events: string[] = [];
    const link = { cut: (id: string) => events.push(`cut ${id}`), restore: (id: string) => events.push(`up ${id}`) };
    // random() = 1 - e^-1 makes every period exactly its mean.
    const driver = createFlakinessDriver({ ids: ['a', 'b'], link, random: () => 1 - Math.exp(-1) });
    driver.set({ meanUpS: 10, meanDownS: 2 });
    expect(events.splice(0)).toEqual(['up a', 'up b']);

    vi.advanceTimersByTime(10_000);
    expect(events.splice(0)).toEqual(['cut a', 'cut b']);
    vi.advanceTimersByTime(2_000);
    expect(events.splice(0)).toEqual(['up a', 'up b']);
    vi.advanceTimersByTime(10_000);
    expect(driver.cuts()).toBe(4);

    driver.set(null);
    expect(events.splice(0)).toEqual(['cut a', 'cut b', 'up a', 'up b']);
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual([]);
  });
});
