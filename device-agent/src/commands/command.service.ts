import { randomUUID } from 'node:crypto';
import type { Command, PlayCommand, Reply } from '@nguon/protocols';
import type { Logger } from 'pino';
import { type MediaCache, MediaError } from '../media/media-cache.js';
import { PlaybackRefused, type PlaybackService } from '../playback/playback.service.js';
import type { StateStore } from '../state/state-store.js';
import type { CommandGuard } from './command-guard.js';
import type { CommandOutcome, ControlCommand } from './control-commands.js';

export interface CommandService {
  /** Handles one decoded command and returns the reply it sent (or tried to send). Never rejects. */
  handle(cmd: Command): Promise<Reply>;
  /** Answers a command that could not be decoded with an error reply. Never rejects. */
  refuse(commandId: string, code: 'invalid', message: string): Promise<Reply>;
}

export interface CommandServiceDeps {
  guard: CommandGuard;
  media: Pick<MediaCache, 'ensure'>;
  playback: PlaybackService;
  state: Pick<StateStore, 'get' | 'setVolume'>;
  sendReply: (reply: Reply) => Promise<void>;
  logger: Logger;
  /** Server time: replies are stamped with it. */
  now?: () => number;
  /**
   * Resolves once the server clock is known (bounded wait): expiry is judged in server time, and right
   * after a start the first clock sync may still be under way.
   */
  clockReady?: () => Promise<unknown>;
  /** Runs before a playback starts (FM fallback yields the amplifier). */
  beforePlay?: () => Promise<void>;
  /** Remote control; without it those commands are answered `unsupported`. */
  control?: (cmd: ControlCommand) => Promise<CommandOutcome>;
}

type Outcome = CommandOutcome;

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
    await deps.beforePlay?.().catch((err) => deps.logger.warn({ err }, 'before-play step failed'));
    if (generation !== mine) return { ok: true, result: { state: 'superseded' } };
    const { volume, muted } = deps.state.get();
    try {
      deps.playback.play({
        playId: cmd.playId,
        commandId: cmd.id,
        sha256: cmd.media.sha256,
        file,
        // Named in the reason of a scheduled item it interrupts, and weighed against the next one.
        priority: cmd.priority,
        volume: muted ? 0 : (cmd.volume ?? volume),
      });
    } catch (err) {
      // Refused by the priority rules (playback/arbitration.ts): the reply says why; its log is sent.
      if (err instanceof PlaybackRefused) return { ok: false, code: err.code, message: err.message };
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
    // Only when given: an extra await would reorder commands against the media downloads they start.
    if (deps.clockReady) await deps.clockReady();
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
      default:
        if (deps.control) return deps.control(cmd);
        return { ok: false, code: 'unsupported', message: `${cmd.type} is not supported by this receiver` };
    }
  }

  function replyFor(cmd: Command, outcome: Outcome): Reply {
    const base = { v: 1 as const, id: cmd.id, replyId: randomUUID(), ts: now() };
    return outcome.ok
      ? { ...base, ok: true, ...(outcome.result ? { result: outcome.result } : {}) }
      : { ...base, ok: false, error: { code: outcome.code, message: outcome.message.slice(0, 500) } };
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
      const reply = replyFor(cmd, outcome);
      if (!outcome.ok) deps.logger.warn({ commandId: cmd.id, type: cmd.type, error: reply }, 'command refused');
      await deps.sendReply(reply).catch((err) => deps.logger.warn({ err, commandId: cmd.id }, 'reply not sent'));
      if (outcome.ok && outcome.after) {
        await outcome.after().catch((err) => deps.logger.error({ err, commandId: cmd.id }, 'after-reply step failed'));
      }
      return reply;
    },
    async refuse(commandId, code, message) {
      const reply: Reply = {
        v: 1,
        id: commandId,
        replyId: randomUUID(),
        ts: now(),
        ok: false,
        error: { code, message: message.slice(0, 500) },
      };
      await deps.sendReply(reply).catch((err) => deps.logger.warn({ err, commandId }, 'reply not sent'));
      return reply;
    },
  };
}
