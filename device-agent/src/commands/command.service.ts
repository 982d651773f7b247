import { randomUUID } from 'node:crypto';
import type { Command, PlayCommand, Reply, ReplyErrorCode } from '@nguon/protocols';
import type { Logger } from 'pino';
import { type MediaCache, MediaError } from '../media/media-cache.js';
import type { PlaybackService } from '../playback/playback.service.js';
import type { StateStore } from '../state/state-store.js';
import type { CommandGuard } from './command-guard.js';

export interface CommandService {
  /** Handles one decoded command and returns the reply it sent (or tried to send). Never rejects. */
  handle(cmd: Command): Promise<Reply>;
}

export interface CommandServiceDeps {
  guard: CommandGuard;
  media: MediaCache;
  playback: PlaybackService;
  state: StateStore;
  sendReply: (reply: Reply) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

type Outcome = { ok: true; result?: Record<string, unknown> } | { ok: false; code: ReplyErrorCode; message: string };

export function createCommandService(deps: CommandServiceDeps): CommandService {
  const now = deps.now ?? Date.now;
  /**
   * Bumped by every play and every stop that concerns a pending play. A play whose download finishes
   * after a newer play or stop arrived must not start: the newer command wins, as it would have if
   * the media had been cached.
   */
  let generation = 0;
  let pendingPlay: { generation: number; playId: string } | null = null;

  async function play(cmd: PlayCommand): Promise<Outcome> {
    const mine = ++generation;
    pendingPlay = { generation: mine, playId: cmd.playId };
    let file: string;
    try {
      file = await deps.media.ensure(cmd.media);
    } catch (err) {
      if (err instanceof MediaError) return { ok: false, code: err.code, message: err.message };
      throw err;
    } finally {
      if (pendingPlay?.generation === mine) pendingPlay = null;
    }
    if (generation !== mine) return { ok: true, result: { state: 'superseded' } };
    const { volume, muted } = deps.state.get();
    try {
      deps.playback.play({
        playId: cmd.playId,
        commandId: cmd.id,
        sha256: cmd.media.sha256,
        file,
        volume: muted ? 0 : (cmd.volume ?? volume),
      });
    } catch (err) {
      return { ok: false, code: 'player_failed', message: (err as Error).message };
    }
    return { ok: true, result: { state: 'playing' } };
  }

  function stop(playId: string | undefined): Outcome {
    if (pendingPlay && (playId === undefined || playId === pendingPlay.playId)) generation++;
    const stopped = deps.playback.stop({ playId, reason: 'stop command' });
    return { ok: true, result: { state: stopped ? 'stopped' : 'idle' } };
  }

  async function dispatch(cmd: Command): Promise<Outcome> {
    const refusal = deps.guard.check(cmd);
    if (refusal) return { ok: false, code: refusal, message: `command ${cmd.id} ${refusal}` };
    switch (cmd.type) {
      case 'play':
        return play(cmd);
      case 'stop':
        return stop(cmd.playId);
      case 'setVolume': {
        await deps.state.setVolume(cmd.volume, cmd.muted);
        const { volume, muted } = deps.state.get();
        return { ok: true, result: { volume, muted } };
      }
    }
  }

  return {
    async handle(cmd) {
      let outcome: Outcome;
      try {
        outcome = await dispatch(cmd);
      } catch (err) {
        deps.logger.error({ err, commandId: cmd.id }, 'command failed unexpectedly');
        outcome = { ok: false, code: 'internal', message: (err as Error).message ?? 'internal error' };
      }
      const base = { v: 1 as const, id: cmd.id, replyId: randomUUID(), ts: now() };
      const reply: Reply = outcome.ok
        ? { ...base, ok: true, ...(outcome.result ? { result: outcome.result } : {}) }
        : { ...base, ok: false, error: { code: outcome.code, message: outcome.message.slice(0, 500) } };
      if (!outcome.ok) deps.logger.warn({ commandId: cmd.id, type: cmd.type, error: reply }, 'command refused');
      await deps.sendReply(reply).catch((err) => deps.logger.warn({ err, commandId: cmd.id }, 'reply not sent'));
      return reply;
    },
  };
}
