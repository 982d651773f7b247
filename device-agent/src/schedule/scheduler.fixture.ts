import type { MediaRef, PlaybackLog, Playlist, PlaylistItem } from '@nguon/protocols';
import { pino } from 'pino';
import { MediaError } from '../media/media-cache.js';
import { createPlaybackService, type PlaybackService } from '../playback/playback.service.js';
import type { Player, PlayResult } from '../players/player.js';
import { type AgentDb, openAgentDb } from '../storage/agent-db.js';
import { createPrefetcher } from './prefetch.js';
import { createScheduleStore, type ScheduleStore } from './schedule-store.js';
import { createScheduler, type Scheduler } from './scheduler.js';

/** Shared by the scheduler's unit tests (no test runner here): a receiver's scheduler over fakes. */
export const T0 = 1_790_000_000_000;
const silent = pino({ level: 'silent' });

export const item = (key: string, startAt: number, priority: 1 | 2 | 3 = 3, durationMs = 60_000): PlaylistItem => ({
  key,
  startAt,
  durationMs,
  priority,
  title: key,
  media: [{ sha256: 'a'.repeat(64), url: 'http://127.0.0.1/a', sizeBytes: 1, durationMs }],
});
let version = 0;
export const playlist = (items: PlaylistItem[]): Playlist => ({
  v: 1,
  id: crypto.randomUUID(),
  ts: T0,
  version: ++version,
  horizonEnd: T0 + 3_600_000,
  items,
});

/** Plays nothing; records when and how each play started; the test ends them. */
export function manualPlayer() {
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

export interface Harness {
  db: AgentDb;
  store: ScheduleStore;
  scheduler: Scheduler;
  playback: PlaybackService;
  plays: ReturnType<typeof manualPlayer>['plays'];
  logs: PlaybackLog[];
  events: () => string[];
}

/** One receiver's scheduler over a real SQLite journal, a real playback service, fake media and time. */
export function setup(
  opts: { mediaMissing?: boolean; open?: Map<string, PlaybackLog>; db?: AgentDb; syncClock?: () => void } = {},
): Harness {
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
