import { EventEmitter } from 'node:events';
import type { Command, DesiredState } from '@nguon/protocols';
import { type Logger, pino } from 'pino';
import { buildBehaviour, buildClock, buildLink } from './agent-build.js';
import type { AgentEvents, AgentState } from './agent-events.js';
import { buildLocalParts } from './agent-local.js';
import type { AgentContext, Emit, Running } from './agent-parts.js';
import type { AgentConfig } from './config.js';
import type { HookRunner } from './hardware/hook-runner.js';
import { createHookRunner } from './hardware/hook-runner.js';
import { createHealthProbe, type HealthProbe } from './health.js';
import type { HttpGet } from './media/http-get.js';
import { routeMessage } from './message-router.js';
import type { Player } from './players/player.js';
import { createPlayerFromConfig } from './players/player-factory.js';
import { createFaultSensors } from './sensors/fault-sensors.js';
import { createSensorReader } from './sensors/pi-sensors.js';
import { readAgentVersion } from './version.js';
import { withTimeout } from './with-timeout.js';

/** Everything replaceable, so tests and the fleet simulator can share a process and its logger. */
export interface AgentDeps {
  logger?: Logger;
  player?: Player;
  healthProbe?: HealthProbe;
  /** Media downloads; node:http by default (media/http-get.ts). */
  httpGet?: HttpGet;
  /** The device's own clock; `config.clockSkewMs` is added to it. Server time comes from the clock sync. */
  now?: () => number;
  random?: () => number;
  agentVersion?: string;
  /** Runs hooks and sensor commands; replaceable so a simulator does not spawn shells. */
  hookRunner?: HookRunner;
  /** Bound on each step of stop(), so shutdown finishes even with a dead link or a hung player. */
  shutdownTimeoutMs?: number;
  /**
   * A `restartAgent` command was answered and the agent stopped: main.ts exits so systemd starts a fresh
   * process. Without it (many agents in one process) the agent starts again in place.
   */
  onRestartRequested?: () => void;
}

export type Agent = EventEmitter<AgentEvents> & {
  /** Resolves once the agent runs; it connects (and reconnects) in the background: wait for 'connected'. */
  start(): Promise<void>;
  /** Stops playback (logged `stopped`), flushes the outbox briefly, publishes offline presence, closes. */
  stop(): Promise<void>;
  state(): AgentState;
  /** Best estimate of the server's clock (the device clock until the first sync): for anything scheduled. */
  serverNow(): number;
};

/** How long a `reboot` waits for the outbox (its own reply among it) before running the hook anyway. */
const REBOOT_FLUSH_MS = 10_000;

export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const emitter = new EventEmitter<AgentEvents>();
  const log = (deps.logger ?? pino({ level: config.logLevel })).child({ deviceId: config.deviceId });
  const baseNow = deps.now ?? Date.now;
  const localNow = config.clockSkewMs === 0 ? baseNow : () => baseNow() + config.clockSkewMs;
  const shutdownTimeoutMs = deps.shutdownTimeoutMs ?? 5_000;
  const runner = deps.hookRunner ?? createHookRunner({ timeoutMs: config.hookTimeoutS * 1000 });
  const startedAt = localNow();
  let running: Running | null = null;
  let starting: Promise<void> | null = null;

  // A listener's bug must not crash the MQTT client or a playback chain that happens to emit.
  const emit: Emit = (event, ...args) => {
    try {
      (emitter.emit as (e: typeof event, ...a: typeof args) => boolean)(event, ...args);
    } catch (err) {
      log.error({ err, event }, 'agent event listener threw');
    }
  };

  function onCommand(r: Running, command: Command, source: 'device' | 'area'): void {
    log.info({ commandId: command.id, type: command.type, source }, 'command received');
    void r.commands.handle(command).then((reply) => emit('command', { command, reply, source }));
  }

  function onDesired(r: Running, desired: DesiredState): void {
    void r.store.applyDesired(desired).then(async ({ applied, areasChanged }) => {
      if (applied) log.info({ version: desired.version }, 'desired state applied');
      if (areasChanged) await r.connection.syncSubscriptions();
      emit('desired', { desired, applied });
    });
  }

  function onMessage(r: Running, topic: string, payload: Buffer): void {
    routeMessage(config.deviceId, topic, payload, {
      command: (cmd, source) => onCommand(r, cmd, source),
      desired: (desired) => onDesired(r, desired),
      time: (res) => r.clock.onResponse(res),
      playlist: (p) => r.schedule.onPlaylist(p),
      emergency: (m) => r.emergency.handle(m),
      dropped: (info) => {
        log.warn({ topic, code: info.code, reason: info.message }, 'dropped a message');
        emit('dropped', info);
      },
      invalidCommand: ({ id, message }) => void r.commands.refuse(id, 'invalid', message),
    });
  }

  async function reboot(r: Running): Promise<void> {
    r.events.send('rebooting', 'warn', 'reboot command: running the reboot hook');
    const flushed = await r.outbox.flush(REBOOT_FLUSH_MS);
    if (!flushed) log.warn({ pending: r.outbox.pending() }, 'rebooting with messages still in the outbox');
    await r.hardware.run('reboot');
  }

  async function restart(r: Running): Promise<void> {
    r.events.send('agentRestarting', 'info', 'restartAgent command');
    await stop();
    if (deps.onRestartRequested) deps.onRestartRequested();
    else await start();
  }

  function context(r: Running, agentVersion: string): AgentContext {
    const sensors = createSensorReader({ commands: config.sensors, runner });
    return {
      config,
      log,
      emit,
      agentVersion,
      localNow,
      random: deps.random,
      player: deps.player ?? createPlayerFromConfig(config),
      // An injected player (the fleet's timer) is simulated: its streams are pulled but not decoded.
      simulatedAudio: deps.player !== undefined || config.player === 'null',
      health:
        deps.healthProbe ??
        createHealthProbe({
          dataDir: config.dataDir,
          agentVersion,
          startedAt,
          now: localNow,
          cpuTempPath: config.sensors.cpuTempPath,
          sensors,
          faults: createFaultSensors({
            speaker: config.sensors.speakerFault,
            amplifier: config.sensors.amplifierFault,
            runner,
          }),
        }),
      reboot: () => reboot(r),
      restart: () => restart(r),
    };
  }

  async function build(): Promise<Running> {
    const agentVersion = deps.agentVersion ?? (await readAgentVersion());
    // The parts call each other through `r`; it is complete before the connection starts.
    const r = {} as Running;
    const ctx = context(r, agentVersion);
    r.clock = buildClock(r, ctx);
    Object.assign(
      r,
      await buildLocalParts({
        config,
        log,
        runner,
        serverNow: r.clock.serverNow,
        random: deps.random,
        httpGet: deps.httpGet,
        publish: (out) => r.connection.publish(out),
        connected: () => r.connection.isConnected(),
      }),
    );
    buildBehaviour(r, ctx);
    buildLink(r, ctx, (topic, payload) => onMessage(r, topic, payload));
    // Left over from the last run (a crash, an outage): sent first, oldest first, once connected.
    const pendingAtStart = r.outbox.pending();
    // A scheduled item cut off by the crash stays open: the scheduler resumes it without a second `started`.
    const recovered = r.logs.recoverOpenPlays((playId) => r.schedule.mayResume(playId));
    r.events.send('agentStarted', 'info', undefined, { agentVersion, recoveredPlays: recovered, pendingAtStart });
    return r;
  }

  async function start(): Promise<void> {
    if (running) return;
    starting ??= build().then((r) => {
      running = r;
      r.fm.start();
      r.schedule.start();
      r.connection.start();
      log.info({ brokerUrl: config.brokerUrl, player: config.player }, 'agent started');
    });
    try {
      await starting;
    } finally {
      starting = null;
    }
  }

  async function stop(): Promise<void> {
    if (starting) await starting.catch(() => undefined);
    const r = running;
    if (!r) return;
    running = null;
    r.heartbeat.stop();
    r.clock.stop();
    r.fm.stop();
    // Before playback stops: the item on air stays open in the journal, so the next start resumes it.
    r.schedule.stop();
    r.emergency.stop();
    // Logged `stopped` while still connected, so the last log reaches the server before we go offline.
    await withTimeout(r.playback.stopAll('agent stopping'), shutdownTimeoutMs, 'stopping playback').catch((err) =>
      log.warn({ err }, 'playback did not wind down in time'),
    );
    // Whatever is not acknowledged by then stays on disk and goes out after the next start.
    if (r.connection.isConnected()) await r.outbox.flush(shutdownTimeoutMs);
    await r.connection.stop();
    r.outbox.close();
    r.db.close();
    log.info('agent stopped');
    emit('stopped');
  }

  function state(): AgentState {
    const r = running;
    const s = r?.store.get();
    const outbox = r?.outbox.stats();
    return {
      deviceId: config.deviceId,
      running: r !== null,
      connected: r?.connection.isConnected() ?? false,
      session: r?.connection.session() ?? null,
      volume: s?.volume ?? 0,
      muted: s?.muted ?? false,
      areas: s?.areas.map((a) => [...a]) ?? config.areas.map((a) => [...a]),
      desiredVersion: s?.desiredVersion ?? -1,
      playing: r?.playback.current() ?? null,
      parkedLogs: r?.outbox.pending() ?? 0,
      outboxFull: outbox?.full ?? false,
      clockOffsetMs: r?.clock.offsetMs() ?? null,
      fmActive: r?.fm.active() ?? false,
    };
  }

  const serverNow = () => running?.clock.serverNow() ?? localNow();

  return Object.assign(emitter, { start, stop, state, serverNow });
}
