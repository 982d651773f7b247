import { createHash } from 'node:crypto';
import {
  type EmergencyMessage,
  type EmergencyStage,
  type EmergencyStartMessage,
  emergencyEventType,
  type PlaybackLog,
} from '@nguon/protocols';
import { PRIORITY } from '@nguon/schemas';
import type { Logger } from 'pino';
import type { MediaCache } from '../media/media-cache.js';
import type { EventData } from '../outbox/device-events.js';
import type { PlaybackService } from '../playback/playback.service.js';
import { runSoon } from '../playback/run-later.js';
import type { Player } from '../players/player.js';
import type { EmergencySeen } from './emergency-seen.js';

export interface EmergencyServiceDeps {
  playback: PlaybackService;
  media: Pick<MediaCache, 'ensure'>;
  /** Sends a device event through the durable outbox. */
  report: (type: string, level: 'info' | 'warn' | 'error', data: EventData) => void;
  /** Best estimate of server time. */
  now: () => number;
  /** Resolves once server time is known (or a short wait ran out): expiry is judged in server time. */
  clockReady: () => Promise<unknown>;
  /** A player for a stream URL that calls `onFirstBytes` when audio begins. */
  streamPlayer: (source: { auth: 'device' | 'none' }, onFirstBytes: () => void) => Player;
  seen: EmergencySeen;
  /** FM fallback yields the amplifier. */
  beforePlay?: () => Promise<void>;
  logger: Logger;
}

export interface EmergencyService {
  /** A start or stop record from an area or this device's emergency topic (retained or live). */
  /** Settles once the message is acted on (a start prepared and on air, or refused). */
  handle(msg: EmergencyMessage): Promise<void>;
  /** The emergency on air or being prepared. */
  current(): string | null;
  /** Agent shutdown: timers cleared; playback itself is stopped by the agent. */
  stop(): void;
}

interface Active {
  msg: EmergencyStartMessage;
  phase: 'preparing' | 'playing';
  /** Why we end it ourselves. */
  ending: 'stopped' | 'expired' | 'superseded' | null;
  timer: NodeJS.Timeout | null;
}

/** Longest single timer; a longer expiry re-arms. */
const MAX_TIMER_MS = 6 * 3_600_000;

/**
 * Plays emergencies (issue 7): interrupts whatever plays (priority 1 through the playback service, which
 * logs the interrupted item as "interrupted by emergency …"), at the emergency volume (also when muted),
 * a file N times or a stream, until it ends, is stopped or expires. The schedule then resumes by itself:
 * the scheduler re-evaluates when a live play with a command id ends. Reports received / started /
 * finished / failed, each with the server-time instant, as device events.
 */
export function createEmergencyService(deps: EmergencyServiceDeps): EmergencyService {
  const log = deps.logger.child({ module: 'emergency' });
  let active: Active | null = null;
  let closed = false;

  // Emergencies taken but not yet recorded as seen (see start()).
  const taking = new Set<string>();

  const report = (stage: EmergencyStage, a: Active, extra: EventData = {}, at = Math.round(deps.now())) =>
    deps.report(emergencyEventType(stage), stage === 'failed' ? 'error' : 'info', {
      emergencyId: a.msg.emergencyId,
      at,
      ...extra,
    });

  function armExpiry(a: Active): void {
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, a.msg.expiresAt - deps.now()));
    a.timer = setTimeout(() => {
      if (active !== a) return;
      if (deps.now() < a.msg.expiresAt - 50) return armExpiry(a);
      end(a, 'expired');
    }, wait);
    a.timer.unref?.();
  }

  function end(a: Active, why: NonNullable<Active['ending']>): void {
    a.ending ??= why;
    if (a.timer) clearTimeout(a.timer);
    if (a.phase === 'playing') {
      deps.playback.stop({ playId: a.msg.emergencyId, reason: `emergency ${why}` });
      return;
    }
    // Still downloading: nothing on air; the download's result is dropped.
    if (active === a) active = null;
    report('finished', a, { outcome: why });
  }

  function onEnded(a: Active, entry: PlaybackLog): void {
    if (a.timer) clearTimeout(a.timer);
    if (active === a) active = null;
    if (entry.event === 'failed') report('failed', a, { reason: (entry.reason ?? 'failed').slice(0, 400) });
    else {
      const outcome =
        entry.event === 'finished'
          ? 'finished'
          : (a.ending ?? (entry.event === 'interrupted' ? 'superseded' : 'stopped'));
      report('finished', a, { outcome, playedMs: entry.playedMs ?? 0 });
    }
    log.info({ emergencyId: a.msg.emergencyId, event: entry.event, reason: entry.reason }, 'emergency ended');
  }

  function play(a: Active, file: string, player?: Player): void {
    const { msg } = a;
    const isFile = msg.source.kind === 'file';
    const sha256 =
      msg.source.kind === 'file' ? msg.source.media.sha256 : createHash('sha256').update(msg.source.url).digest('hex');
    const part = { file, durationMs: isFile && msg.source.kind === 'file' ? msg.source.media.durationMs : Infinity };
    a.phase = 'playing';
    deps.playback.play({
      playId: msg.emergencyId,
      commandId: msg.id,
      sha256,
      file,
      parts: Array.from({ length: isFile ? msg.repeat : 1 }, () => part),
      volume: msg.volume,
      priority: PRIORITY.emergency,
      ...(player ? { player } : {}),
      note: `emergency ${msg.emergencyId}`,
      onEnded: (entry) => onEnded(a, entry),
    });
  }

  async function begin(a: Active): Promise<void> {
    const { msg } = a;
    await deps.beforePlay?.().catch((err) => log.warn({ err }, 'before-play step failed'));
    if (msg.source.kind === 'stream') {
      if (active !== a || closed) return;
      const player = deps.streamPlayer(msg.source, () => {
        if (!a.ending) report('started', a);
      });
      play(a, msg.source.url, player);
      return;
    }
    let file: string;
    try {
      file = await deps.media.ensure(msg.source.media);
    } catch (err) {
      if (active === a) active = null;
      if (a.timer) clearTimeout(a.timer);
      report('failed', a, { reason: `download failed: ${(err as Error).message}`.slice(0, 400) });
      return;
    }
    if (active !== a || closed) return;
    play(a, file);
    report('started', a);
  }

  async function start(msg: EmergencyStartMessage): Promise<void> {
    const id = msg.emergencyId;
    if (taking.has(id) || deps.seen.has(id) || active?.msg.emergencyId === id) return;
    taking.add(id);
    try {
      await deps.clockReady();
      if (closed || deps.seen.has(id)) return;
      const receivedAt = Math.round(deps.now());
      // The instant is taken; the disk writes (seen, the report in the outbox) and the start come after
      // pending I/O (runSoon), so every receiver that shares this CPU (the fleet simulator: thousands per
      // process, all handed the same publish at once) takes the command before it waits behind the slower
      // part of the others. A receiver alone on its CPU loses microseconds.
      await new Promise<void>((resolve) => runSoon(resolve));
      if (closed || deps.seen.has(id)) return;
      deps.seen.add(id);
      if (receivedAt >= msg.expiresAt) {
        log.info({ emergencyId: id }, 'emergency already expired: not joined');
        return;
      }
      await take(msg, receivedAt);
    } finally {
      taking.delete(id);
    }
  }

  async function take(msg: EmergencyStartMessage, receivedAt: number): Promise<void> {
    const a: Active = { msg, phase: 'preparing', ending: null, timer: null };
    report('received', a, {}, receivedAt);
    log.info({ emergencyId: msg.emergencyId, title: msg.title, source: msg.source.kind }, 'emergency received');
    const previous = active;
    active = a;
    if (previous) end(previous, 'superseded');
    armExpiry(a);
    await begin(a);
  }

  return {
    async handle(msg) {
      if (closed) return;
      if (msg.type === 'emergency') {
        await start(msg).catch((err) => log.error({ err }, 'emergency failed to start'));
        return;
      }
      deps.seen.add(msg.emergencyId);
      const running = active?.msg.emergencyId === msg.emergencyId;
      log.info({ emergencyId: msg.emergencyId, running, reason: msg.reason }, 'emergency stop record');
      if (running && active) end(active, 'stopped');
    },
    current: () => active?.msg.emergencyId ?? null,
    stop() {
      closed = true;
      if (active?.timer) clearTimeout(active.timer);
    },
  };
}
