import { describe, expect, it } from 'vitest';
import { filterAcrossRounds, KEEP_MS } from './clock-math.js';

describe('clock filter across rounds', () => {
  it('keeps an earlier low-delay sample over a fresh round taken on a busy link', () => {
    const quiet = { offsetMs: 300_000, delayMs: 4, at: 0 };
    const busy = { offsetMs: 300_030, delayMs: 80, at: 120_000 };
    const r = filterAcrossRounds([quiet], busy);
    expect(r.chosen).toBe(quiet);
    expect(r.kept).toEqual([quiet, busy]);
  });

  it('prefers the fresh sample once drift makes the old one worth less', () => {
    const old = { offsetMs: 300_000, delayMs: 4, at: 0 };
    const fresh = { offsetMs: 300_001, delayMs: 6, at: 25 * 60_000 };
    expect(filterAcrossRounds([old], fresh).chosen).toBe(fresh);
  });

  it('drops samples that are too old, or that a stepped device clock made inconsistent', () => {
    const old = { offsetMs: 300_000, delayMs: 2, at: 0 };
    expect(filterAcrossRounds([old], { offsetMs: 300_000, delayMs: 50, at: KEEP_MS + 1 }).kept).toHaveLength(1);
    // The device clock was stepped by NTP by 5 minutes: the offset jumped; old samples mean nothing.
    const stepped = { offsetMs: 0, delayMs: 50, at: 60_000 };
    const r = filterAcrossRounds([old], stepped);
    expect(r.chosen).toBe(stepped);
    expect(r.kept).toEqual([stepped]);
  });

  it('keeps a bounded number of samples', () => {
    const kept = Array.from({ length: 20 }, (_, i) => ({ offsetMs: 10, delayMs: 10, at: i * 1000 }));
    expect(filterAcrossRounds(kept, { offsetMs: 10, delayMs: 10, at: 30_000 }).kept).toHaveLength(8);
  });
});
