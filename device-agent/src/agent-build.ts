import { encodeForDevice, type PlaybackLog, topics } from '@nguon/protocols';
import type { AgentContext, Running } from './agent-parts.js';
import { effectiveSettings } from './agent-parts.js';
import { createServerClock, type ServerClock } from './clock/server-clock.js';
import { createCommandService } from './commands/command.service.js';
import { createCommandGuard } from './commands/command-guard.js';
import { createControlCommands } from './commands/control-commands.js';
import { createSqliteSeenIds } from './commands/seen-ids.js';
import { createMqttConnection } from './connection/mqtt-connection.js';
import { buildEmergency } from './emergency/build-emergency.js';
import { createFmFallback } from './fm/fm-fallback.js';
import { createHeartbeatService } from './heartbeat.service.js';
import { createPlaybackService } from './playback/playback.service.js';
import { createPrefetcher } from './schedule/prefetch.js';
import { createScheduleStore, type ScheduleStore } from './schedule/schedule-store.js';
import { createScheduler, type Scheduler } from './schedule/scheduler.js';

/** How long the first command after a start may wait for the first clock sync. */
const CLOCK_READY_WAIT_MS = 3_000;
/** How long the programme waits at start for server time, when this boot has not learnt it before. */
const SCHEDULE_CLOCK_WAIT_MS = 10_000;
const MB = 1024 * 1024;

export function buildClock(r: Running, ctx: AgentContext): ServerClock {
  return createServerClock({
    now: ctx.localNow,
    send: (req) => r.connection.publish(encodeForDevice('timeRequest', ctx.config.deviceId, req)),
    logger: ctx.log,
    intervalMs: ctx.config.clockSyncIntervalS * 1000,
    random: ctx.random,
    onSynced: (sample, previous) => {
      ctx.emit('clockSynced', sample);
      // The server sees the offset at once rather than a heartbeat interval later.
      if (previous === null) void r.heartbeat.beatNow();
      // On record only when it moved noticeably: every routine sync would be noise.
      if (previous === null || Math.abs(previous - sample.offsetMs) >= 1_000) {
        r.events.send('clockSynced', 'info', undefined, { ...sample, previousOffsetMs: previous }, true);
      }
      r.schedule.onClockSynced(sample.offsetMs);
    },
  });
}

/**
 * Server time for playback and the programme. Before the first sync of this run, the offset learnt
 * earlier in this same boot beats the raw device clock: a restarted agent with no network still plays
 * on time (issue 6 item 3).
 */
function bestNow(r: Running, ctx: AgentContext, bootOffset: number | null): () => number {
  return () => (r.clock.offsetMs() !== null ? r.clock.serverNow() : ctx.localNow() + (bootOffset ?? 0));
}

function buildScheduler(
  r: Running,
  ctx: AgentContext,
  deps: { store: ScheduleStore; now: () => number; sendLog: (entry: PlaybackLog) => Promise<void> },
): Scheduler {
  const log = ctx.log.child({ module: 'schedule' });
  return createScheduler({
    ...deps,
    prefetch: createPrefetcher({ media: r.media, logger: log, random: ctx.random }),
    media: r.media,
    playback: r.playback,
    logs: r.logs,
    volume: () => (r.store.get().muted ? 0 : r.store.get().volume),
    clockReady: () =>
      deps.store.bootOffset() !== null ? Promise.resolve() : r.clock.whenSynced(SCHEDULE_CLOCK_WAIT_MS),
    syncClock: () => void r.clock.syncNow(),
    beforePlay: () => r.fm.yieldToPlayback(),
    logger: log,
    random: ctx.random,
  });
}

/** Playback, the programme, FM fallback and commands: what the receiver does. */
export function buildBehaviour(r: Running, ctx: AgentContext): void {
  const { config, log, emit } = ctx;
  const serverNow = r.clock.serverNow;
  const store = createScheduleStore(r.db);
  const now = bestNow(r, ctx, store.bootOffset());
  const sendLog = async (entry: PlaybackLog) => {
    await r.logs.send(entry);
    // After the write: a `playback` line in the log means the entry is on disk.
    log.info({ playId: entry.playId, event: entry.event, reason: entry.reason, logId: entry.id }, 'playback');
    emit('playback', entry);
    r.schedule.onPlaybackLog(entry);
  };
  r.playback = createPlaybackService({ player: ctx.player, now, sendLog });
  r.schedule = buildScheduler(r, ctx, { store, now, sendLog });
  r.fm = createFmFallback({
    hardware: r.hardware,
    events: r.events,
    delayMs: () => effectiveSettings(r, config).fmFallbackDelayS * 1000,
    restoreMs: config.fmRestoreDelayS * 1000,
    isPlaying: () => r.playback.current() !== null,
  });
  r.commands = createCommandService({
    guard: createCommandGuard({ seen: createSqliteSeenIds(r.db), now: serverNow }),
    media: r.media,
    playback: r.playback,
    state: r.store,
    sendReply: async (reply) => r.events.reply(reply),
    logger: log,
    now: serverNow,
    clockReady: () => r.clock.whenSynced(CLOCK_READY_WAIT_MS),
    beforePlay: () => r.fm.yieldToPlayback(),
    control: createControlCommands({
      state: r.store,
      hardware: r.hardware,
      syncClock: () => r.clock.syncNow(),
      reportNow: () => r.heartbeat.beatNow(),
      applySettings: () => r.heartbeat.setIntervalMs(effectiveSettings(r, config).heartbeatIntervalS * 1000),
      reboot: ctx.reboot,
      restart: ctx.restart,
    }),
  });
  r.emergency = buildEmergency(r, ctx, () => r.clock.whenSynced(CLOCK_READY_WAIT_MS));
}

function healthFacts(r: Running) {
  const { volume, muted } = r.store.get();
  const playing = r.playback.current();
  const outbox = r.outbox.stats();
  return {
    volume,
    muted,
    playing: playing && { playId: playing.playId, sha256: playing.sha256 },
    amplifierOn: r.hardware.amplifierOn(),
    fmActive: r.fm.active(),
    outbox: { full: outbox.full, pending: r.outbox.pending(), refusedLogs: outbox.refusedLogs },
    clockOffsetMs: r.clock.offsetMs(),
    cacheUsedMb: Math.round((r.media.usage().bytes / MB) * 10) / 10,
  };
}

/** Network side: the MQTT session and what rides on it. */
export function buildLink(r: Running, ctx: AgentContext, onMessage: (topic: string, payload: Buffer) => void): void {
  const { config, log, emit } = ctx;
  r.connection = createMqttConnection({
    brokerUrl: config.brokerUrl,
    deviceId: config.deviceId,
    secret: config.secret,
    agentVersion: ctx.agentVersion,
    logger: log,
    random: ctx.random,
    now: r.clock.serverNow,
    subscriptions: () => [
      topics.deviceCommand(config.deviceId),
      topics.deviceDesired(config.deviceId),
      topics.deviceTime(config.deviceId),
      topics.devicePlaylist(config.deviceId),
      ...r.store.get().areas.map((path) => topics.areaCommand(path)),
      topics.deviceEmergency(config.deviceId),
      ...r.store.get().areas.map((path) => topics.areaEmergency(path)),
    ],
    onMessage,
    onConnect: (session) => {
      r.clock.onConnect();
      r.heartbeat.onConnect();
      r.outbox.onConnect();
      r.fm.onConnect();
      r.schedule.onConnect();
      emit('connected', { session });
    },
    onDisconnect: () => {
      r.clock.onDisconnect();
      r.fm.onDisconnect();
      emit('disconnected');
    },
  });
  r.heartbeat = createHeartbeatService({
    deviceId: config.deviceId,
    intervalMs: effectiveSettings(r, config).heartbeatIntervalS * 1000,
    collect: () => ctx.health.collect(healthFacts(r)),
    publish: (out) => r.connection.publish(out),
    session: () => r.connection.session(),
    onSent: (hb) => emit('heartbeat', hb),
    logger: log,
    now: r.clock.serverNow,
  });
}
