import type { PlaybackLog } from '@nguon/protocols';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { ScopeQueries } from '../units/scope.js';
import { evaluateRules } from './alert-rules.js';
import { createAlertThresholds } from './alert-thresholds.js';
import { createAlertsService } from './alerts.service.js';
import { createDeviceLimiter } from './device-limiter.js';
import { createHealthHistory } from './health-history.js';
import { createIngestWriter } from './ingest-writer.js';
import type { MonitoringConfig } from './monitoring.config.js';
import { createPresence } from './presence.js';
import { createTransitionsQuery } from './transitions.js';
import { createWebhooks } from './webhooks.js';

/**
 * The monitoring module composed (issue 8): ingest (rate limit → presence → write-behind batches),
 * health history, alert evaluation with grouped alerts, webhooks. `wire` subscribes to what receivers
 * publish; `start` runs the timers; `close` stops them and flushes the queue.
 */
export function createMonitoring(deps: {
  db: Db;
  sqlite: Database.Database;
  scopes: ScopeQueries;
  config: MonitoringConfig;
  heartbeatTimeoutMs: number;
  clock: () => number;
  log: Logger;
  storeLog: (deviceId: string, log: PlaybackLog) => void;
}) {
  const { db, config, clock, log } = deps;
  const { sqlite } = deps;
  const writer = createIngestWriter({ sqlite, config: config.ingest, log, storeLog: deps.storeLog });
  const presence = createPresence({
    sqlite,
    writer,
    clock,
    timeoutMs: deps.heartbeatTimeoutMs,
    graceMs: deps.heartbeatTimeoutMs,
  });
  const limiter = createDeviceLimiter({
    rate: config.ingest.deviceRate,
    burst: config.ingest.deviceBurst,
    clock,
    onWindow: (refused) => {
      const top = [...refused].sort((a, b) => b[1] - a[1]).slice(0, 10);
      log.warn(
        { devices: refused.size, top: Object.fromEntries(top) },
        'heartbeat flood: messages over the per-receiver rate were dropped',
      );
    },
  });
  const history = createHealthHistory({ sqlite, config: config.health, clock });
  const alerts = createAlertsService({ db, scopes: deps.scopes, clock, thresholds: config.alerts });
  const thresholds = createAlertThresholds({ db, global: config.alerts, clock });
  const webhooks = createWebhooks({ db, scopes: deps.scopes, clock, log });
  alerts.events.on('alert', (e) => webhooks.enqueue(e));

  const lookup = sqlite.prepare('SELECT 1 FROM devices WHERE id = ? AND revoked_at IS NULL').pluck();
  const known = new Map<string, { ok: boolean; at: number }>();
  const isKnown = (id: string) => {
    const now = clock();
    const k = known.get(id);
    if (k && now - k.at < 60_000) return k.ok;
    const ok = lookup.get(id) !== undefined;
    known.set(id, { ok, at: now });
    return ok;
  };
  const counters = { staleHeartbeats: 0 };

  const activeDevices = sqlite.prepare('SELECT id, unit_id AS unitId FROM devices WHERE revoked_at IS NULL');
  const missedSince = sqlite.prepare(
    "SELECT device_id AS id, count(*) AS n FROM playlist_items WHERE status = 'missed' AND planned_start >= ? GROUP BY device_id",
  );
  function evaluate(): number {
    writer.flush();
    const now = clock();
    const missed = new Map(
      (missedSince.all(now - config.alerts.missedMs) as Array<{ id: string; n: number }>).map((r) => [r.id, r.n]),
    );
    const devices = activeDevices.all() as Array<{ id: string; unitId: number }>;
    return alerts.reconcile(
      evaluateRules({
        now,
        devices,
        presence: presence.all(),
        missed,
        thresholds: config.alerts,
        thresholdsFor: thresholds.resolver(),
      }),
    );
  }

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => void, what: string) => {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        log.error({ err }, `${what} failed`);
      }
    }, ms);
    t.unref();
    timers.push(t);
  };

  return {
    writer,
    presence,
    history,
    alerts,
    thresholds,
    webhooks,
    limiter,
    evaluate,
    transitions: createTransitionsQuery(sqlite),
    stats: () => ({ ...writer.stats(), rateLimited: limiter.refusedTotal(), ...counters }),

    /** Routes receivers' presence, heartbeats and playback logs into ingest. */
    wire(mqtt: ServerMqtt, onOnline: (deviceId: string) => void): void {
      mqtt.on('presence', ({ deviceId, message }) => {
        if (!deviceId || !isKnown(deviceId)) return;
        if (presence.onPresence(deviceId, message) && message.state === 'online') onOnline(deviceId);
      });
      mqtt.on('heartbeat', ({ deviceId, message }) => {
        if (!deviceId || !isKnown(deviceId) || !limiter.take(deviceId)) return;
        if (!presence.onHeartbeat(deviceId, message)) {
          counters.staleHeartbeats++;
          return;
        }
        writer.sample(deviceId, clock(), message.health);
      });
      mqtt.on('playbackLog', ({ deviceId, message }) => {
        if (deviceId && isKnown(deviceId)) writer.playbackLog(deviceId, message);
      });
    },

    start(): void {
      const sweepMs = Math.max(500, Math.floor(deps.heartbeatTimeoutMs / 6));
      every(
        sweepMs,
        () => {
          const r = presence.sweep();
          if (r.timedOut + r.restartOffline > 0) log.info(r, 'receivers marked offline');
        },
        'presence sweep',
      );
      every(config.alerts.evalMs, evaluate, 'alert evaluation');
      every(60_000, () => history.rollup(), 'health rollup');
      every(3_600_000, () => history.retain(), 'health retention');
      webhooks.start();
    },

    close(): void {
      for (const t of timers) clearInterval(t);
      webhooks.close();
      writer.close();
    },
  };
}
export type Monitoring = ReturnType<typeof createMonitoring>;
