import type { PlaybackLog } from '@nguon/protocols';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAgentDb } from '../storage/agent-db.js';
import { item, playlist, setup, T0 } from './scheduler.fixture.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler', () => {
  it('starts on the instant from the beginning, and never plays a finished item again', async () => {
    const { scheduler, plays, events } = setup();
    scheduler.start();
    expect(scheduler.onPlaylist(playlist([item('k1', T0 + 20_000)]))).toBe(true);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(plays).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(plays).toEqual([expect.objectContaining({ offsetMs: 0, at: T0 + 20_000 })]);
    // `started` is written a moment after the start, not in its instant.
    expect(events()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events()).toEqual(['k1:started']);
    await vi.advanceTimersByTimeAsync(50_000);
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(events()).toEqual(['k1:started', 'k1:finished']);
    // The server re-sends the same programme (a newer version): the finished item stays done.
    scheduler.onPlaylist(playlist([item('k1', T0 + 20_000)]));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(plays).toHaveLength(1);
    expect(scheduler.onPlaylist({ ...playlist([item('old', T0 + 90_000)]), version: 1 })).toBe(false);
    scheduler.stop();
  });

  it('skips an item whose media is not in the cache at its instant', async () => {
    const { scheduler, plays, logs } = setup({ mediaMissing: true });
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 10_000)]));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(plays).toHaveLength(0);
    expect(logs).toEqual([expect.objectContaining({ playId: 'k1', event: 'skipped', reason: 'media_not_cached' })]);
    scheduler.stop();
  });

  it('checks the media again shortly before the start when the first check failed', async () => {
    const opts = { mediaMissing: true };
    const { scheduler, plays, logs } = setup(opts);
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 30_000)]));
    // Prepared 3 + 0.5 × 12 = 9 s before the start: the download is not there yet.
    await vi.advanceTimersByTimeAsync(25_000);
    opts.mediaMissing = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(plays).toEqual([expect.objectContaining({ at: T0 + 30_000, offsetMs: 0 })]);
    expect(logs.filter((l) => l.event === 'skipped')).toEqual([]);
    scheduler.stop();
  });

  it('resumes an item a crash cut off at the point it has reached, with no second `started`', async () => {
    const db = openAgentDb(':memory:');
    const before = setup({ db });
    before.store.apply(playlist([item('k1', T0 - 12_000)]));
    before.store.begin('k1', T0 - 12_000, T0 - 12_000);
    const started: PlaybackLog = {
      v: 1,
      id: 'l1',
      ts: T0,
      playId: 'k1',
      sha256: 'a'.repeat(64),
      event: 'started',
      startedAt: T0 - 11_990,
    };
    const { scheduler, plays, logs } = setup({ db, open: new Map([['k1', started]]) });
    expect(scheduler.mayResume('k1')).toBe(true);
    expect(scheduler.mayResume('live-play')).toBe(false);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(plays).toEqual([expect.objectContaining({ offsetMs: 12_000 })]);
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(logs).toEqual([
      expect.objectContaining({
        event: 'finished',
        startedAt: T0 - 11_990,
        reason: 'resumed at 12.0 s into the item after the agent restarted',
      }),
    ]);
    scheduler.stop();
  });

  it('waits for a live play of the same priority, then joins where the programme has got to', async () => {
    const { scheduler, playback, plays, events } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 10_000)]));
    playback.play({ playId: 'live', commandId: 'c', sha256: 'b'.repeat(64), file: '/b', volume: 60, priority: 3 });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(plays).toHaveLength(1);
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    // Joined late: as far in as the programme is at that moment.
    expect(plays[1]!.offsetMs).toBeGreaterThanOrEqual(5_000);
    expect(plays[1]!.offsetMs).toBe(plays[1]!.at - (T0 + 10_000));
    expect(events()).toContain('k1:started');
    scheduler.stop();
  });

  it('interrupts a lower-priority live play; and comes back after an emergency interrupted it', async () => {
    const { scheduler, playback, plays, logs } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 10_000, 2)]));
    playback.play({ playId: 'live', commandId: 'c', sha256: 'b'.repeat(64), file: '/b', volume: 60, priority: 3 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(plays).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(logs.find((l) => l.playId === 'live' && l.event === 'interrupted')?.reason).toBe(
      'interrupted by scheduled item k1 (priority)',
    );
    await vi.advanceTimersByTimeAsync(5_000);
    playback.play({ playId: 'alarm', commandId: 'c2', sha256: 'b'.repeat(64), file: '/b', volume: 60, priority: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(logs.find((l) => l.playId === 'k1' && l.event === 'interrupted')?.reason).toBe(
      'interrupted by emergency live play alarm (command c2)',
    );
    await vi.advanceTimersByTimeAsync(3_000);
    plays[2]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    // Back to the programme where it has got to, not from the start, and not lost.
    expect(plays[3]!.offsetMs).toBeGreaterThanOrEqual(8_000);
    expect(plays[3]!.offsetMs).toBe(plays[3]!.at - (T0 + 10_000));
    scheduler.stop();
  });

  it('logs an item a live play held until its end as skipped, naming the play', async () => {
    const { scheduler, playback, plays, logs } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 10_000, 3, 10_000)]));
    playback.play({ playId: 'live', commandId: 'c', sha256: 'b'.repeat(64), file: '/b', volume: 60, priority: 1 });
    await vi.advanceTimersByTimeAsync(30_000);
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(plays).toHaveLength(1);
    expect(logs.find((l) => l.playId === 'k1')).toMatchObject({
      event: 'skipped',
      reason: 'preempted by live play live',
    });
    scheduler.stop();
  });

  it('takes a fresh clock sample once, a while before the start', async () => {
    const syncs: number[] = [];
    const { scheduler, plays } = setup({ syncClock: () => syncs.push(Date.now()) });
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 300_000)]));
    await vi.advanceTimersByTimeAsync(179_000);
    expect(syncs).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(syncs).toEqual([T0 + 180_000]);
    // The answer re-plans everything; no second sync is asked for the same item.
    scheduler.onClockSynced(40);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(syncs).toHaveLength(1);
    expect(plays).toEqual([expect.objectContaining({ at: T0 + 300_000, offsetMs: 0 })]);
    scheduler.stop();
  });
});
