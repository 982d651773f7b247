import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { type Command, type DesiredState, encodeForDevice, type Outgoing, topics } from '@nguon/protocols';
import { type Logger, pino } from 'pino';
import type { AgentEvents, AgentState } from './agent-events.js';
import { type CommandService, createCommandService } from './commands/command.service.js';
import { createCommandGuard } from './commands/command-guard.js';
import type { AgentConfig } from './config.js';
import { createMqttConnection, type MqttConnection } from './connection/mqtt-connection.js';
import { createHealthProbe, type HealthProbe } from './health.js';
import { createHeartbeatService, type HeartbeatService } from './heartbeat.service.js';
import { createMediaCache } from './media/media-cache.js';
import { routeMessage } from './message-router.js';
import { createLogSender, type LogSender } from './playback/log-sender.js';
import { createPlaybackService, type PlaybackService } from './playback/playback.service.js';
import type { Player } from './players/player.js';
import { createPlayerFromConfig } from './players/player-factory.js';
import { createStateStore, type StateStore } from './state/state-store.js';
import { readAgentVersion } from './version.js';
import { withTimeout } from './with-timeout.js';

/** Everything replaceable, so tests and the fleet simulator can share a process and its logger. */
export interface AgentDeps {
  logger?: Logger;
  player?: Player;
  healthProbe?: HealthProbe;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  agentVersion?: string;
  /** Bound on each step of stop(), so shutdown finishes even with a dead link or a hung player. */
  shutdownTimeoutMs?: number;
}

export type Agent = EventEmitter<AgentEvents> & {
  /** Resolves once the agent runs; it connects (and reconnects) in the background: wait for 'connected'. */
  start(): Promise<void>;
  /** Stops playback (logged `stopped`), publishes offline presence, closes the connection. */
  stop(): Promise<void>;
  state(): AgentState;
};

interface Running {
  store: StateStore;
  connection: MqttConnection;
  heartbeat: HeartbeatService;
  playback: PlaybackService;
  commands: CommandService;
  logs: LogSender;
}

export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const emitter = new EventEmitter<AgentEvents>();
  const log = (deps.logger ?? pino({ level: config.logLevel })).child({ deviceId: config.deviceId });
  const now = deps.now ?? Date.now;
  const shutdownTimeoutMs = deps.shutdownTimeoutMs ?? 5_000;
  const startedAt = now();
  let running: Running | null = null;
  let starting: Promise<void> | null = null;

  // A listener's bug must not crash the MQTT client or a playback chain that happens to emit.
  const emit = <K extends keyof AgentEvents>(event: K, ...args: AgentEvents[K]): void => {
    try {
      (emitter.emit as (e: K, ...a: AgentEvents[K]) => boolean)(event, ...args);
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
      dropped: (info) => {
        log.warn({ topic, code: info.code, reason: info.message }, 'dropped a message');
        emit('dropped', info);
      },
    });
  }

  /** Local side: state, cache, playback, commands. Nothing here touches the network but through `publish`. */
  async function buildLocal(r: Running, publish: (out: Outgoing) => Promise<void>): Promise<void> {
    r.store = await createStateStore({
      dataDir: config.dataDir,
      initialAreas: config.areas,
      onWarn: (msg, err) => log.warn({ err }, msg),
    });
    const media = createMediaCache({
      dir: join(config.dataDir, 'cache'),
      username: config.deviceId,
      password: config.secret,
      fetch: deps.fetch,
    });
    await media.init();
    r.logs = createLogSender({ deviceId: config.deviceId, publish, logger: log });
    r.playback = createPlaybackService({
      player: deps.player ?? createPlayerFromConfig(config),
      now: deps.now,
      sendLog: (entry) => {
        log.info({ playId: entry.playId, event: entry.event, reason: entry.reason }, 'playback');
        emit('playback', entry);
        return r.logs.send(entry);
      },
    });
    r.commands = createCommandService({
      guard: createCommandGuard({ now: deps.now }),
      media,
      playback: r.playback,
      state: r.store,
      sendReply: (reply) => publish(encodeForDevice('reply', config.deviceId, reply)),
      logger: log,
      now: deps.now,
    });
  }

  /** Network side: the MQTT session and the heartbeat riding on it. */
  function buildLink(r: Running, agentVersion: string, health: HealthProbe): void {
    r.connection = createMqttConnection({
      brokerUrl: config.brokerUrl,
      deviceId: config.deviceId,
      secret: config.secret,
      agentVersion,
      logger: log,
      random: deps.random,
      now: deps.now,
      subscriptions: () => [
        topics.deviceCommand(config.deviceId),
        topics.deviceDesired(config.deviceId),
        ...r.store.get().areas.map((path) => topics.areaCommand(path)),
      ],
      onMessage: (topic, payload) => onMessage(r, topic, payload),
      onConnect: (session) => {
        r.heartbeat.onConnect();
        r.logs.retryParked();
        emit('connected', { session });
      },
      onDisconnect: () => emit('disconnected'),
    });
    r.heartbeat = createHeartbeatService({
      deviceId: config.deviceId,
      intervalMs: config.heartbeatIntervalS * 1000,
      collect: () => {
        const { volume, muted } = r.store.get();
        const playing = r.playback.current();
        return health.collect({
          volume,
          muted,
          playing: playing && { playId: playing.playId, sha256: playing.sha256 },
        });
      },
      publish: (out) => r.connection.publish(out),
      session: () => r.connection.session(),
      onSent: (hb) => emit('heartbeat', hb),
      logger: log,
      now: deps.now,
    });
  }

  async function build(): Promise<Running> {
    const agentVersion = deps.agentVersion ?? (await readAgentVersion());
    const health =
      deps.healthProbe ?? createHealthProbe({ dataDir: config.dataDir, agentVersion, startedAt, now: deps.now });
    // The parts call each other through `r`; it is complete before the connection starts.
    const r = {} as Running;
    await buildLocal(r, (out) => r.connection.publish(out));
    buildLink(r, agentVersion, health);
    return r;
  }

  async function start(): Promise<void> {
    if (running) return;
    starting ??= build().then((r) => {
      running = r;
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
    // Logged `stopped` while still connected, so the last log reaches the server before we go offline.
    await withTimeout(r.playback.stopAll('agent stopping'), shutdownTimeoutMs, 'stopping playback').catch((err) =>
      log.warn({ err }, 'playback did not wind down in time'),
    );
    await r.connection.stop();
    log.info('agent stopped');
    emit('stopped');
  }

  function state(): AgentState {
    const r = running;
    const s = r?.store.get();
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
      parkedLogs: r?.logs.parkedCount() ?? 0,
    };
  }

  return Object.assign(emitter, { start, stop, state });
}
