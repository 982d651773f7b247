import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every online/offline change of every receiver (issue 8): uptime over any window is computed exactly
 * from these rows. `reason`: will (offline presence or Last Will) | timeout (silent past the heartbeat
 * timeout) | connect (presence or heartbeat of a new session) | server-restart (not seen again after a
 * server restart; dated at the server's last sign of life).
 */
export const devicePresenceTransitions = sqliteTable(
  'device_presence_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deviceId: text('device_id').notNull(),
    state: text('state').notNull(),
    at: integer('at').notNull(),
    reason: text('reason').notNull(),
    session: text('session'),
  },
  (t) => [index('presence_tr_device_at_idx').on(t.deviceId, t.at), index('presence_tr_at_idx').on(t.at)],
);

/** Small key/value facts of the monitoring module, e.g. the server's last sign of life. */
export const monitorMeta = sqliteTable('monitor_meta', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});

/** Raw health readings of heartbeats, kept for a short time (NGUON_HEALTH_RAW_H). */
export const healthSamples = sqliteTable(
  'health_samples',
  {
    deviceId: text('device_id').notNull(),
    at: integer('at').notNull(),
    cpuTempC: real('cpu_temp_c'),
    diskUsedPct: real('disk_used_pct'),
    memUsedPct: real('mem_used_pct'),
    signalDbm: real('signal_dbm'),
    load1: real('load1'),
    volume: integer('volume'),
    muted: integer('muted', { mode: 'boolean' }),
    linkType: text('link_type'),
    amplifierOn: integer('amplifier_on', { mode: 'boolean' }),
    speakerLineOk: integer('speaker_line_ok', { mode: 'boolean' }),
    amplifierFault: integer('amplifier_fault', { mode: 'boolean' }),
  },
  (t) => [index('health_samples_device_at_idx').on(t.deviceId, t.at), index('health_samples_at_idx').on(t.at)],
);

/**
 * Downsampled health: per device, step ('5m' | '1h') and bucket start, the min/max/sum/count of each
 * metric (avg = sum / count; counts differ because sensors may be absent).
 */
export const healthRollups = sqliteTable(
  'health_rollups',
  {
    deviceId: text('device_id').notNull(),
    step: text('step').notNull(),
    bucket: integer('bucket').notNull(),
    n: integer('n').notNull(),
    tempMin: real('temp_min'),
    tempMax: real('temp_max'),
    tempSum: real('temp_sum'),
    tempN: integer('temp_n').notNull().default(0),
    diskMin: real('disk_min'),
    diskMax: real('disk_max'),
    diskSum: real('disk_sum'),
    diskN: integer('disk_n').notNull().default(0),
    memMin: real('mem_min'),
    memMax: real('mem_max'),
    memSum: real('mem_sum'),
    memN: integer('mem_n').notNull().default(0),
    signalMin: real('signal_min'),
    signalMax: real('signal_max'),
    signalSum: real('signal_sum'),
    signalN: integer('signal_n').notNull().default(0),
    volumeMin: real('volume_min'),
    volumeMax: real('volume_max'),
    volumeSum: real('volume_sum'),
    volumeN: integer('volume_n').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.step, t.bucket] }),
    index('health_rollups_bucket_idx').on(t.step, t.bucket),
  ],
);

/**
 * Alerts, grouped: one row per (kind, unit) while it is open or acknowledged, listing the receivers
 * concerned in `devices`, so a commune-wide outage is one alert and not one per receiver.
 * state: open → acknowledged → resolved (resolved automatically when the condition clears).
 */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    unitId: integer('unit_id').notNull(),
    severity: text('severity').notNull(),
    state: text('state').notNull(),
    title: text('title').notNull(),
    devices: text('devices', { mode: 'json' }).$type<string[]>().notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    openedAt: integer('opened_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    ackedAt: integer('acked_at'),
    ackedBy: integer('acked_by'),
    resolvedAt: integer('resolved_at'),
    /** null: resolved automatically when the condition cleared. */
    resolvedBy: integer('resolved_by'),
  },
  (t) => [index('alerts_state_idx').on(t.state, t.kind, t.unitId), index('alerts_unit_idx').on(t.unitId, t.openedAt)],
);

/** Where alerts are POSTed: alerts of `unitId`'s subtree, signed with HMAC-SHA256 of `secret`. */
export const alertWebhooks = sqliteTable('alert_webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  unitId: integer('unit_id').notNull(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  /** Needed in clear to sign; shown once at creation, never returned afterwards. */
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdBy: integer('created_by'),
  createdAt: integer('created_at').notNull(),
});

/** Outbox of webhook deliveries: retried with backoff, each webhook on its own so one never blocks another. */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id').notNull(),
    alertId: integer('alert_id').notNull(),
    event: text('event').notNull(),
    payload: text('payload').notNull(),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('alert_deliveries_due_idx').on(t.state, t.nextAttemptAt),
    index('alert_deliveries_hook_idx').on(t.webhookId, t.id),
  ],
);
