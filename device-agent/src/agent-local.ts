import { join } from 'node:path';
import type { Outgoing } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { createHardware, type Hardware } from './hardware/hardware.js';
import type { HookRunner } from './hardware/hook-runner.js';
import type { HttpGet } from './media/http-get.js';
import { createMediaCache, type MediaCache } from './media/media-cache.js';
import { createDeviceEvents, type DeviceEvents } from './outbox/device-events.js';
import { createOutbox, type Outbox } from './outbox/outbox.js';
import { createOutboxStore } from './outbox/outbox-store.js';
import { createLogSender, type LogSender } from './playback/log-sender.js';
import { createStateStore, type StateStore } from './state/state-store.js';
import { type AgentDb, openAgentDb } from './storage/agent-db.js';

/** The parts that live on the receiver itself: nothing here opens a network connection. */
export interface LocalParts {
  db: AgentDb;
  store: StateStore;
  outbox: Outbox;
  events: DeviceEvents;
  logs: LogSender;
  media: MediaCache;
  hardware: Hardware;
}

export interface LocalDeps {
  config: AgentConfig;
  log: Logger;
  runner: HookRunner;
  /** Server time (the clock sync corrects it once connected). */
  serverNow: () => number;
  random?: () => number;
  httpGet?: HttpGet | undefined;
  /** The network side, filled in later: the outbox calls these only after start. */
  publish: (out: Outgoing) => Promise<void>;
  connected: () => boolean;
}

const MB = 1024 * 1024;

function openDb(config: AgentConfig, log: Logger): AgentDb {
  const file = config.storage === 'memory' ? ':memory:' : join(config.dataDir, 'outbox.sqlite');
  return openAgentDb(file, (err, movedTo) =>
    // Lost what was in it; say so loudly rather than refuse to start.
    log.error({ err, movedTo }, 'outbox database unreadable: moved aside, starting with an empty one'),
  );
}

export async function buildLocalParts(deps: LocalDeps): Promise<LocalParts> {
  const { config, log } = deps;
  const store = await createStateStore({
    dataDir: config.dataDir,
    initialAreas: config.areas,
    onWarn: (msg, err) => log.warn({ err }, msg),
  });
  const db = openDb(config, log);
  const outbox = createOutbox({
    store: createOutboxStore(db, { maxRows: config.outboxMaxRows, maxBytes: config.outboxMaxMb * MB }),
    publish: deps.publish,
    connected: deps.connected,
    logger: log.child({ module: 'outbox' }),
    random: deps.random,
  });
  const events = createDeviceEvents({ deviceId: config.deviceId, outbox, logger: log, now: deps.serverNow });
  const logs = createLogSender({ deviceId: config.deviceId, db, outbox, logger: log, now: deps.serverNow });
  const hardware = createHardware({
    hooks: config.hooks,
    runner: deps.runner,
    logger: log.child({ module: 'hooks' }),
    timeoutMs: config.hookTimeoutS * 1000,
    onFailure: (hook, message) => events.send('hookFailed', 'error', message, { hook }),
  });
  const media = createMediaCache({
    dir: join(config.dataDir, 'cache'),
    username: config.deviceId,
    password: config.secret,
    httpGet: deps.httpGet,
    maxBytes: config.cacheMaxMb * MB,
    onEvict: (sha256, bytes) => log.info({ sha256, bytes }, 'media evicted from the cache'),
  });
  try {
    await media.init();
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, store, outbox, events, logs, media, hardware };
}
