import type { MediaRef, PlaybackLog, Playlist, PlaylistItem } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaError } from '../media/media-cache.js';
import { createPlaybackService } from '../playback/playback.service.js';
import type { Player, PlayResult } from '../players/player.js';
import { openAgentDb } from '../storage/agent-db.js';
import { createPrefetcher } from './prefetch.js';
import { createScheduleStore } from './schedule-store.js';
import { createScheduler } from './scheduler.js';

const T0 = 1_790_000_000_000;
const silent = pino({ level: 'silent' });

const item = (key: string, startAt: number, priority: 1 | 2 | 3 = 3, durationMs = 60_000): PlaylistItem => ({
  key,
  startAt,
  durationMs,
  priority,
  title: key,
  media: [{ sha256: 'a'.repeat(64), url: 'http://127.0.0.1/a', sizeBytes: 1, durationMs }],
});
let version = 0;
const playlist = (items: PlaylistItem[]): Playlist => ({
  v: 1,
  id: crypto.randomUUID(),
  ts: T0,
  version: ++version,
  horizonEnd: T0 + 3_600_000,
  items,
});

/** Plays nothing; records when and how each play started; the test ends them. */
function manualPlayer() {
  const plays: { file: string; offsetMs: number; at: number; end: (o: PlayResult['outcome']) => void }[] = [];
  const player: Player = {
    play(file, { offsetMs }) {
      let resolve!: (r: PlayResult) => void;
      const done = new Promise<PlayResult>((r) => {
        resolve = r;
      });
      plays.push({
        file,
        offsetMs: offsetMs ?? 0,
        at: Date.now(),
        end: (outcome) => resolve({ outcome, playedMs: 5 }),
      });
      return { done, stop: () => resolve({ outcome: 'stopped', playedMs: 5 }) };
    },
  };
  return { player, plays };
}

/** One receiver's scheduler over a real SQLite journal, a real playback service, fake media and time. */
function setup(
  opts: {
    mediaMissing?: boolean;
    open?: Map<string, PlaybackLog>;
    db?: ReturnType<typeof openAgentDb>;
    syncClock?: () => void;
  } = {},
) {
  const db = opts.db ?? openAgentDb(':memory:');
  const store = createScheduleStore(db, { bootId: 'boot' });
  const { player, plays } = manualPlayer();
  const logs: PlaybackLog[] = [];
  const open = opts.open ?? new Map<string, PlaybackLog>();
  const media = {
    ensure: async (m: MediaRef) => {
      if (opts.mediaMissing) throw new MediaError('download_failed', 'fetch: link down');
      return `/cache/${m.sha256}.mp3`;
    },
    pin: () => {},
  };
  const sendLog = async (entry: PlaybackLog) => {
    logs.push(entry);
    scheduler.onPlaybackLog(entry);
  };
  const playback = createPlaybackService({ player, now: Date.now, sendLog });
  const scheduler = createScheduler({
    store,
    prefetch: createPrefetcher({ media, logger: silent }),
    media,
    playback,
    logs: { openPlay: (k) => open.get(k) ?? null, closeOpenPlay: (k) => open.delete(k) },
    sendLog,
    now: Date.now,
    volume: () => 70,
    clockReady: async () => true,
    ...(opts.syncClock ? { syncClock: opts.syncClock } : {}),
    logger: silent,
    random: () => 0.5,
  });
  const events = () => logs.map((l) => `${l.playId}:${l.event}`);
  return { db, store, scheduler, playback, plays, logs, events };
}

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
      'interrupted by scheduled item k1',
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
