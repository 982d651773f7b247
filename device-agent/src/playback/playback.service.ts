import { randomUUID } from 'node:crypto';
import type { PlaybackLog } from '@nguon/protocols';
import type { PriorityCode } from '@nguon/schemas';
import { type PlayPart, playSequence } from '../players/play-sequence.js';
import type { Player, PlayHandle, PlayResult } from '../players/player.js';
import { type Admission, arbitrate, type Claim, describeClaim } from './arbitration.js';
import { runLater } from './run-later.js';

export interface PlayRequest {
  playId: string;
  /** The live command that asked for it; absent for a scheduled item. */
  commandId?: string;
  sha256: string;
  file: string;
  /** Effective volume 0–100 (0 when muted). */
  volume: number;
  priority?: PriorityCode;
  /** A scheduled item (its playId is the occurrence key), not a live command. */
  scheduled?: boolean;
  /** Files played back to back (a bulletin of several items); default: `file` alone. */
  parts?: readonly PlayPart[];
  /** How far into the whole to start: a receiver joining a scheduled item late. */
  offsetMs?: number;
  /** Continues a playback whose `started` log is already on disk (the agent restarted mid-item). */
  resumeOf?: { startedAt: number };
  /** Added to the reason of this playback's logs (why it joined late or resumed). */
  note?: string;
  /** `started` is written this long after the player starts, so its fsync is not on the start's path. */
  startedLogDelayMs?: number;
  /** Called with the final log once it was handed to the sender. */
  onEnded?: (log: PlaybackLog) => void;
  /** Plays with this player instead of the receiver's own (an emergency stream, issue 7). */
  player?: Player;
}

export interface NowPlaying {
  playId: string;
  sha256: string;
  startedAt: number;
  scheduled: boolean;
  priority?: PriorityCode;
}

/** A play the rules of the field keep off the air (arbitration.ts); its `skipped` log is already sent. */
export class PlaybackRefused extends Error {
  readonly code = 'lower_priority' as const;
  constructor(readonly admission: Extract<Admission, { ok: false }>) {
    super(admission.reason);
    this.name = 'PlaybackRefused';
  }
}

export interface PlaybackService {
  /**
   * Starts at once, interrupting what plays if the rules allow it (see `admits`); otherwise logs the
   * request `skipped` with the reason and throws PlaybackRefused. Throws after stopAll().
   */
  play(req: PlayRequest): void;
  /** Stops the current playback (only if it is `playId`, when given). Tells whether something was stopped. */
  stop(opts?: { playId?: string; reason?: string }): boolean;
  current(): NowPlaying | null;
  /** Stops everything, refuses later plays, and resolves once the final logs were sent (for shutdown). */
  stopAll(reason: string): Promise<void>;
}

export interface PlaybackServiceOptions {
  player: Player;
  /** Hands a log to the sender; its promise settles when the send was attempted. */
  sendLog: (log: PlaybackLog) => Promise<void>;
  now?: () => number;
}

interface Active {
  req: PlayRequest;
  handle: PlayHandle;
  startedAt: number;
  /** Why we ended it ourselves; a stop of the player process alone cannot tell these apart. */
  endedBy: { event: 'stopped' | 'interrupted'; reason: string } | null;
  /** Settles after the final log of this playback was sent. */
  settled: Promise<void>;
}

/**
 * Would a play like `claim` take the air now? The one question for anything that interrupts (a live
 * command, an emergency): no side effects, the same answer `play` then acts on.
 */
export function admits(playback: Pick<PlaybackService, 'current'>, claim: Claim): Admission {
  return arbitrate(claim, playback.current());
}

const claimOf = (req: PlayRequest): Claim => ({
  playId: req.playId,
  priority: req.priority,
  scheduled: req.scheduled ?? false,
});

/** Names a playback in the reason of the one it interrupts (issue 6: say what interrupted it). */
export function describePlay(req: Pick<PlayRequest, 'playId' | 'commandId' | 'priority' | 'scheduled'>): string {
  return describeClaim({ ...req, scheduled: req.scheduled ?? false });
}

const withNote = (reason: string | undefined, note: string | undefined) =>
  reason && note ? `${reason}; ${note}` : (reason ?? note);

/** One playback at a time, each logged `started` then exactly one ending event. */
export function createPlaybackService(opts: PlaybackServiceOptions): PlaybackService {
  const now = opts.now ?? Date.now;
  let active: Active | null = null;
  // Interrupted playbacks may still be winding down; shutdown waits for them too.
  const live = new Set<Active>();
  let closed = false;

  const entry = (req: PlayRequest, fields: Omit<PlaybackLog, 'v' | 'id' | 'ts' | 'playId' | 'sha256'>) => {
    const reason = withNote(fields.reason, req.note);
    return {
      v: 1 as const,
      id: randomUUID(),
      ts: now(),
      playId: req.playId,
      ...(req.commandId !== undefined ? { commandId: req.commandId } : {}),
      sha256: req.sha256,
      volume: req.volume,
      ...fields,
      ...(reason !== undefined ? { reason } : {}),
    };
  };

  const finalEntry = (a: Active, result: PlayResult): PlaybackLog => {
    const ending = { startedAt: a.startedAt, endedAt: now(), playedMs: Math.round(result.playedMs) };
    if (result.outcome === 'finished') return entry(a.req, { event: 'finished', ...ending });
    if (result.outcome === 'failed')
      return entry(a.req, { event: 'failed', ...ending, reason: result.reason ?? 'failed' });
    const by = a.endedBy ?? { event: 'stopped', reason: 'player stopped' };
    return entry(a.req, { event: by.event, ...ending, reason: by.reason });
  };

  const end = (a: Active, event: 'stopped' | 'interrupted', reason: string) => {
    a.endedBy ??= { event, reason };
    a.handle.stop();
  };

  /** The `started` log, unless one is on disk already; the final log always comes after it. */
  function logStart(req: PlayRequest, startedAt: number): Promise<void> {
    if (req.resumeOf) return Promise.resolve();
    const write = () => opts.sendLog(entry(req, { event: 'started', startedAt }));
    const delay = req.startedLogDelayMs ?? 0;
    if (delay <= 0) return write();
    return new Promise<void>((resolve, reject) => runLater(delay, () => write().then(resolve, reject)));
  }

  return {
    play(req) {
      // A download that completes during shutdown must not start a player nobody will stop.
      if (closed) throw new Error('playback is shut down');
      // Nothing on air (the usual case at a scheduled instant): no arbitration to allocate for.
      const admission = active ? arbitrate(claimOf(req), claimOf(active.req)) : null;
      if (admission && !admission.ok) {
        void opts.sendLog(entry(req, { event: 'skipped', reason: `refused: ${admission.reason}` }));
        throw new PlaybackRefused(admission);
      }
      if (active) end(active, 'interrupted', `interrupted by ${describePlay(req)}`);
      const parts = req.parts ?? [{ file: req.file, durationMs: Number.POSITIVE_INFINITY }];
      const handle = playSequence(req.player ?? opts.player, parts, {
        volume: req.volume,
        offsetMs: req.offsetMs ?? 0,
      });
      const startedAt = req.resumeOf?.startedAt ?? now();
      const a: Active = { req, handle, startedAt, endedBy: null, settled: Promise.resolve() };
      active = a;
      live.add(a);
      const started = logStart(req, startedAt);
      a.settled = handle.done.then(async (result) => {
        if (active === a) active = null;
        const final = finalEntry(a, result);
        await started;
        await opts.sendLog(final);
        live.delete(a);
        req.onEnded?.(final);
      });
    },
    stop(stopOpts = {}) {
      if (!active || (stopOpts.playId !== undefined && stopOpts.playId !== active.req.playId)) return false;
      end(active, 'stopped', stopOpts.reason ?? 'stop command');
      return true;
    },
    current: () =>
      active
        ? {
            playId: active.req.playId,
            sha256: active.req.sha256,
            startedAt: active.startedAt,
            scheduled: active.req.scheduled ?? false,
            ...(active.req.priority ? { priority: active.req.priority } : {}),
          }
        : null,
    async stopAll(reason) {
      closed = true;
      if (active) end(active, 'stopped', reason);
      await Promise.all([...live].map((a) => a.settled));
    },
  };
}
