import { describe, expect, it, vi } from 'vitest';
import { createTimerPlayer } from './timer-player.js';

describe('timer player', () => {
  it('plays for the duration of the file and reports it', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const player = createTimerPlayer({ durationOf: async () => 1500, monotonicMs: () => clock });
      const handle = player.play('/cache/a.mp3', { volume: 80 });
      await vi.advanceTimersByTimeAsync(1499);
      clock = 1500;
      await vi.advanceTimersByTimeAsync(1);
      await expect(handle.done).resolves.toEqual({ outcome: 'finished', playedMs: 1500 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('joined `offsetMs` into the file, plays only the rest of it', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const player = createTimerPlayer({ durationOf: async () => 10_000, monotonicMs: () => clock });
      const handle = player.play('/cache/a.mp3', { volume: 80, offsetMs: 7_500 });
      let settled = false;
      void handle.done.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(2_499);
      expect(settled).toBe(false);
      clock = 2_500;
      await vi.advanceTimersByTimeAsync(1);
      await expect(handle.done).resolves.toEqual({ outcome: 'finished', playedMs: 2_500 });
      // Past the end: over at once, as a decoder seeking beyond the file would be.
      const late = player.play('/cache/a.mp3', { volume: 80, offsetMs: 12_000 });
      await vi.advanceTimersByTimeAsync(0);
      await expect(late.done).resolves.toMatchObject({ outcome: 'finished' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends `stopped` on stop, also before the duration was known, leaving no timer behind', async () => {
    vi.useFakeTimers();
    try {
      let known: (ms: number) => void = () => {};
      const player = createTimerPlayer({ durationOf: () => new Promise((r) => (known = r)) });
      const handle = player.play('/cache/a.mp3', { volume: 80 });
      handle.stop();
      handle.stop();
      known(60_000);
      await expect(handle.done).resolves.toMatchObject({ outcome: 'stopped' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails, as a decoder would, on a file it cannot read', async () => {
    const player = createTimerPlayer({ durationOf: () => Promise.reject(new Error('no MPEG Layer III frame found')) });
    await expect(player.play('/cache/x.mp3', { volume: 80 }).done).resolves.toMatchObject({
      outcome: 'failed',
      reason: 'timer player: no MPEG Layer III frame found',
    });
  });
});
