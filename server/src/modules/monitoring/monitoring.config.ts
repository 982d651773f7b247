import { z } from 'zod';

const n = (min: number, max: number) => z.coerce.number().min(min).max(max);

/** Monitoring, alert and ingest settings (issue 8); spread into the server's env schema. */
export const MonitoringEnvSchema = z.object({
  /** Raw heartbeat health kept this long; 5-minute buckets 35 days, hourly ones 400 days. */
  NGUON_HEALTH_RAW_H: n(1, 24 * 30).default(48),
  NGUON_HEALTH_5M_DAYS: n(1, 3650).default(35),
  NGUON_HEALTH_1H_DAYS: n(1, 3650).default(400),
  /** A receiver offline this long raises (or joins) its commune's grouped offline alert. */
  NGUON_ALERT_OFFLINE_MIN: n(0, 10_080).default(10),
  NGUON_ALERT_TEMP_C: n(0, 150).default(75),
  NGUON_ALERT_DISK_PCT: n(1, 100).default(90),
  /** Missed bulletins this recent keep their alert open. */
  NGUON_ALERT_MISSED_H: n(1, 24 * 30).default(24),
  /** How often alert conditions are evaluated: changes within one pass become one event per alert. */
  NGUON_ALERT_EVAL_S: n(0.2, 3600).default(15),
  /** Ingest: flush the write-behind queue this often or at this many rows, whichever first. */
  NGUON_INGEST_FLUSH_MS: n(10, 10_000).default(250),
  NGUON_INGEST_BATCH: n(10, 100_000).default(1000),
  /** Telemetry rows waiting to be written; past this, heartbeats are dropped (and counted). */
  NGUON_INGEST_QUEUE_MAX: n(100, 10_000_000).default(100_000),
  /** Token bucket per receiver for heartbeats: sustained rate and burst. */
  NGUON_INGEST_DEVICE_RATE: n(0.01, 10_000).default(2),
  NGUON_INGEST_DEVICE_BURST: n(1, 100_000).default(20),
});

export function monitoringConfigFromEnv(e: z.infer<typeof MonitoringEnvSchema>) {
  return {
    health: {
      rawMs: e.NGUON_HEALTH_RAW_H * 3_600_000,
      fiveMinMs: e.NGUON_HEALTH_5M_DAYS * 86_400_000,
      hourMs: e.NGUON_HEALTH_1H_DAYS * 86_400_000,
    },
    alerts: {
      offlineMs: e.NGUON_ALERT_OFFLINE_MIN * 60_000,
      tempC: e.NGUON_ALERT_TEMP_C,
      diskPct: e.NGUON_ALERT_DISK_PCT,
      missedMs: e.NGUON_ALERT_MISSED_H * 3_600_000,
      evalMs: Math.round(e.NGUON_ALERT_EVAL_S * 1000),
    },
    ingest: {
      flushMs: e.NGUON_INGEST_FLUSH_MS,
      batch: e.NGUON_INGEST_BATCH,
      queueMax: e.NGUON_INGEST_QUEUE_MAX,
      deviceRate: e.NGUON_INGEST_DEVICE_RATE,
      deviceBurst: e.NGUON_INGEST_DEVICE_BURST,
    },
  };
}
export type MonitoringConfig = ReturnType<typeof monitoringConfigFromEnv>;
