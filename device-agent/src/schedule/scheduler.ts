import { randomUUID } from 'node:crypto';
import type { MediaRef, PlaybackLog, Playlist, PlaylistItem } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { MediaCache } from '../media/media-cache.js';
import type { LogSender } from '../playback/log-sender.js';
import type { PlaybackService } from '../playback/playback.service.js';
import type { PlayPart } from '../players/play-sequence.js';
import { createAirShare } from './air-share.js';
import type { Prefetcher } from './prefetch.js';
import { presyncAt } from './presync.js';
import { type Decision, decide, neededMedia } from './programme.js';
import type { JournalOutcome, ScheduleStore } from './schedule-store.js';
import { type ScheduledStart, startScheduled } from './scheduled-start.js';
import { waitUntil } from './wait-until.js';

export interface SchedulerDeps {
  store: ScheduleStore;
  prefetch: Prefetcher;
  media: Pick<MediaCache, 'ensure'>;
  playback: PlaybackService;
  logs: Pick<LogSender, 'openPlay' | 'closeOpenPlay'>;
  sendLog: (log: PlaybackLog) => Promise<void>;
  /** Best estimate of server time: every instant in a playlist is in server time. */
  now: () => number;
  /** Effective volume 0–100 (0 when muted). */
  volume: () => number;
  /** Resolves once server time is known, or a bounded wait ran out. */
  clockReady: () => Promise<unknown>;
  /** Starts a clock sync round (no-op when offline); the result comes back through onClockSynced. */
  syncClock?: () => void;
  /** FM fallback yields the amplifier before a bulletin. */
  beforePlay?: () => Promise<void>;
  logger: Logger;
  random?: () => number;
}

export interface Scheduler {
  /** Plays the programme on disk once server time is known; later playlists replace it. */
  start(): void;
  /** Applies `p` if its version is newer than the one on disk; true when applied. */
  onPlaylist(p: Playlist): boolean;
  /**
   * Asked at start for each playback a crash left open: true keeps it open for the scheduler, which
   * resumes it (no second `started` log) or ends it itself.
   */
  mayResume(playId: string): boolean;
  /** A clock sync finished: the offset is kept for a restart, and every wait is recomputed. */
  onClockSynced(offsetMs: number): void;
  onConnect(): void;
  /** Every playback log; the end of a live play lets a held-back item join. */
  onPlaybackLog(log: PlaybackLog): void;
  stop(): void;
}

/**
 * Media is checked and the journal written (an fsync) this long before the start, plus jitter, never at
 * it. The jitter is wide: receivers sharing a CPU and a disk (the fleet simulator, 500 to a process)
 * would otherwise queue their synchronous fsyncs into the moment of the start.
 */
const PREPARE_MS = 3_000;
const PREPARE_JITTER_MS = 12_000;
/** A failed media check is tried once more, and FM yields the amplifier, this long before the start. */
const FINAL_CHECK_MS = 2_000;

interface Prepared {
  key: string;
  parts: PlayPart[] | null;
  failure: string | null;
  done: Promise<void>;
}

const ENDINGS = new Set<PlaybackLog['event']>(['finished', 'stopped', 'interrupted', 'failed']);

/**
 * Plays the programme in server time (issue 6 item 3): a wait until shortly before each item (media
 * checked, journal written), then a fine wait to its instant, then the player. Re-evaluated whenever
 * the playlist, the clock estimate or what plays changes; `decide()` says what to do each time.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const log = deps.logger;
  const random = deps.random ?? Math.random;
  let ready = false;
  let stopped = false;
  let cancelWait: (() => void) | null = null;
  /** Bumped by every evaluation: a start still preparing for an older one is dropped. */
  let generation = 0;
  let prepared: Prepared | null = null;
  /** Open playbacks a crash left that the scheduler took over from the log sender. */
  const adopted = new Set<string>();
  /** Server time of the last clock sync of this run, and the item a sync was last asked for. */
  let lastSyncAt: number | null = null;
  let presyncedFor: string | null = null;

  const items = () => deps.store.playlist()?.items ?? [];

  function refsOf(list: readonly PlaylistItem[]): MediaRef[] {
    const bySha = new Map<string, MediaRef>();
    for (const i of list) for (const m of i.media) bySha.set(m.sha256, m);
    return neededMedia(list, deps.now()).flatMap((sha) => bySha.get(sha) ?? []);
  }

  function prepare(item: PlaylistItem): Prepared {
    // A failed check is tried again: the download may have finished since.
    if (prepared?.key === item.key && prepared.failure === null) return prepared;
    // Before the start: from here a crash never replays it from the beginning.
    deps.store.begin(item.key, item.startAt, item.startAt);
    const p: Prepared = { key: item.key, parts: null, failure: null, done: Promise.resolve() };
    p.done = Promise.all(item.media.map((m) => deps.media.ensure(m))).then(
      (files) => {
        p.parts = files.map((file, i) => ({ file, durationMs: item.media[i]!.durationMs }));
      },
      (err: Error) => {
        p.failure = err.message;
      },
    );
    prepared = p;
    return p;
  }

  const beforePlay = () => void deps.beforePlay?.().catch((err) => log.warn({ err }, 'before-play step failed'));

  function end(item: PlaylistItem, outcome: JournalOutcome): void {
    deps.store.end(item.key, item.startAt, outcome);
  }

  function skip(item: PlaylistItem, reason: string, detail?: string): void {
    end(item, 'skipped');
    log.warn({ key: item.key, reason, detail }, 'scheduled item skipped');
    void deps.sendLog({
      v: 1,
      id: randomUUID(),
      ts: deps.now(),
      playId: item.key,
      sha256: item.media[0]!.sha256,
      event: 'skipped',
      reason,
    });
  }

  const air = createAirShare({ store: deps.store, skip, log });

  function play(item: PlaylistItem, p: Prepared, offsetMs: number): void {
    if (!p.parts) {
      skip(item, 'media_not_cached', p.failure ?? 'not in the cache at the start');
      return;
    }
    if (air.holdsBack(item, deps.playback.current())) return;
    const open = adopted.size > 0 && adopted.delete(item.key) ? deps.logs.openPlay(item.key) : null;
    const after = air.takeOver(item.key);
    const start: ScheduledStart = {
      item,
      parts: p.parts,
      offsetMs,
      resumeOf: open,
      volume: deps.volume(),
      ...(after ? { after } : {}),
    };
    startScheduled(deps.playback, start, { random, log, onEnded: (entry) => onEnded(item, entry) });
  }

  function onEnded(item: PlaylistItem, entry: PlaybackLog): void {
    // Shutting down: the journal keeps it open, so the next start resumes it where it has got to.
    if (stopped) return;
    // Interrupted by a live play: not ended; it comes back when that play is over (settleInterrupted).
    if (entry.event === 'interrupted') air.interrupted(item.key, entry.reason ?? 'interrupted');
    else end(item, entry.event as JournalOutcome);
    deps.prefetch.want(refsOf(items()));
    evaluate();
  }

  /** Waits for the item's instant: syncs the clock a while before, prepares shortly before, starts on the dot. */
  function arm(item: PlaylistItem): void {
    const lead = PREPARE_MS + random() * PREPARE_JITTER_MS;
    const syncAt =
      deps.syncClock && presyncedFor !== item.key
        ? presyncAt(item.startAt, deps.now(), lastSyncAt, PREPARE_MS + PREPARE_JITTER_MS, random)
        : null;
    if (syncAt === null) {
      armPrepare(item, lead);
      return;
    }
    cancelWait = waitUntil(
      syncAt,
      deps.now,
      () => {
        presyncedFor = item.key;
        deps.syncClock?.();
        armPrepare(item, lead);
      },
      { maxStepMs: 60_000 },
    );
  }

  function armPrepare(item: PlaylistItem, lead: number): void {
    cancelWait = waitUntil(
      item.startAt - lead,
      deps.now,
      () => {
        const p = prepare(item);
        cancelWait = waitUntil(
          item.startAt - FINAL_CHECK_MS,
          deps.now,
          () => {
            // The download may have finished since the check failed; prepare() tries again then.
            const q = p.failure !== null ? prepare(item) : p;
            beforePlay();
            cancelWait = waitUntil(item.startAt, deps.now, () => play(item, q, 0), { maxStepMs: 250 });
          },
          { maxStepMs: 60_000 },
        );
      },
      { maxStepMs: 60_000 },
    );
  }

  /** Starts now: from the beginning when barely late, else joined where the programme has got to. */
  function playNow(item: PlaylistItem, late: boolean): void {
    const gen = generation;
    const p = prepare(item);
    beforePlay();
    void p.done.then(() => {
      if (gen !== generation || stopped) return;
      play(item, p, late ? Math.max(0, deps.now() - item.startAt) : 0);
    });
  }

  /** Crash leftovers not being resumed right now are ended, as the log sender would have. */
  function settleAdopted(d: Decision): void {
    for (const key of adopted) {
      if (d.kind === 'play' && d.item.key === key) continue;
      deps.logs.closeOpenPlay(key);
      adopted.delete(key);
    }
  }

  function evaluate(): void {
    if (!ready || stopped) return;
    generation += 1;
    cancelWait?.();
    cancelWait = null;
    const list = items();
    const now = deps.now();
    const d = decide(list, now, deps.store);
    settleAdopted(d);
    air.settle(list, now);
    const cur = deps.playback.current();
    // Cancelled or edited away while on air: the operator's change wins.
    if (cur?.scheduled && !list.some((i) => i.key === cur.playId)) {
      deps.playback.stop({ playId: cur.playId, reason: 'removed from the programme' });
    }
    if (d.kind === 'idle' || (cur?.scheduled && cur.playId === d.item.key)) return;
    if (d.kind === 'wait') arm(d.item);
    else if (!air.holdsBack(d.item, cur)) playNow(d.item, d.offsetMs > 0);
  }

  return {
    start() {
      void deps.clockReady().then(() => {
        if (stopped) return;
        ready = true;
        deps.prefetch.want(refsOf(items()));
        evaluate();
      });
    },
    onPlaylist(p) {
      const applied = deps.store.apply(p);
      log.info({ version: p.version, items: p.items.length, next: p.items[0]?.key, applied }, 'playlist received');
      if (!applied) return false;
      deps.store.prune(deps.now());
      if (ready) {
        deps.prefetch.want(refsOf(p.items));
        evaluate();
      }
      return true;
    },
    mayResume(playId) {
      const ok = deps.store.isOpen(playId) && items().some((i) => i.key === playId);
      if (ok) adopted.add(playId);
      return ok;
    },
    onClockSynced(offsetMs) {
      deps.store.rememberOffset(offsetMs);
      lastSyncAt = deps.now();
      evaluate();
    },
    onConnect: () => deps.prefetch.retryNow(),
    onPlaybackLog(entry) {
      // The end of a live play (a command, an emergency) frees the air. A programme item's own ending is
      // handled by onEnded, after its journal entry is written.
      if (ENDINGS.has(entry.event) && !items().some((i) => i.key === entry.playId)) evaluate();
    },
    stop() {
      stopped = true;
      generation += 1;
      cancelWait?.();
      cancelWait = null;
      deps.prefetch.stop();
    },
  };
}
