import { randomUUID } from 'node:crypto';
import type { PlaybackLog } from '@nguon/protocols';
import type { Player, PlayHandle, PlayResult } from '../players/player.js';

export interface PlayRequest {
  playId: string;
  commandId: string;
  sha256: string;
  file: string;
  /** Effective volume 0–100 (0 when muted). */
  volume: number;
}

export interface NowPlaying {
  playId: string;
  sha256: string;
  startedAt: number;
}

export interface PlaybackService {
  /** Starts at once; whatever plays is interrupted. Throws after stopAll(). */
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

/** One playback at a time, each logged `started` then exactly one ending event. */
export function createPlaybackService(opts: PlaybackServiceOptions): PlaybackService {
  const now = opts.now ?? Date.now;
  let active: Active | null = null;
  // Interrupted playbacks may still be winding down; shutdown waits for them too.
  const live = new Set<Active>();
  let closed = false;

  const log = (req: PlayRequest, fields: Omit<PlaybackLog, 'v' | 'id' | 'ts' | 'playId' | 'commandId' | 'sha256'>) =>
    opts.sendLog({
      v: 1,
      id: randomUUID(),
      ts: now(),
      playId: req.playId,
      commandId: req.commandId,
      sha256: req.sha256,
      volume: req.volume,
      ...fields,
    });

  const finalLog = (a: Active, result: PlayResult) => {
    const ending = { startedAt: a.startedAt, endedAt: now(), playedMs: Math.round(result.playedMs) };
    if (result.outcome === 'finished') return log(a.req, { event: 'finished', ...ending });
    if (result.outcome === 'failed')
      return log(a.req, { event: 'failed', ...ending, reason: result.reason ?? 'failed' });
    const by = a.endedBy ?? { event: 'stopped', reason: 'player stopped' };
    return log(a.req, { event: by.event, ...ending, reason: by.reason });
  };

  const end = (a: Active, event: 'stopped' | 'interrupted', reason: string) => {
    a.endedBy ??= { event, reason };
    a.handle.stop();
  };

  return {
    play(req) {
      // A download that completes during shutdown must not start a player nobody will stop.
      if (closed) throw new Error('playback is shut down');
      if (active) end(active, 'interrupted', `interrupted by play ${req.playId}`);
      const handle = opts.player.play(req.file, { volume: req.volume });
      const startedAt = now();
      const a: Active = { req, handle, startedAt, endedBy: null, settled: Promise.resolve() };
      active = a;
      live.add(a);
      void log(req, { event: 'started', startedAt });
      a.settled = handle.done.then(async (result) => {
        if (active === a) active = null;
        await finalLog(a, result);
        live.delete(a);
      });
    },
    stop(stopOpts = {}) {
      if (!active || (stopOpts.playId !== undefined && stopOpts.playId !== active.req.playId)) return false;
      end(active, 'stopped', stopOpts.reason ?? 'stop command');
      return true;
    },
    current: () =>
      active ? { playId: active.req.playId, sha256: active.req.sha256, startedAt: active.startedAt } : null,
    async stopAll(reason) {
      closed = true;
      if (active) end(active, 'stopped', reason);
      await Promise.all([...live].map((a) => a.settled));
    },
  };
}
