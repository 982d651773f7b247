import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** An emergency broadcast (issue 7): what airs where, who started it, and how it ended. */
export const emergencies = sqliteTable(
  'emergencies',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    /** 'operator' | 'cap'. */
    origin: text('origin').notNull(),
    capAlertId: text('cap_alert_id'),
    /** The starter's unit. */
    unitId: integer('unit_id').notNull(),
    createdBy: integer('created_by'),
    actorLabel: text('actor_label').notNull(),
    /** As asked: `{unitIds, deviceIds}`. */
    targets: text('targets', { mode: 'json' }).$type<{ unitIds: number[]; deviceIds: string[] }>().notNull(),
    /** Units the targets lie in (subtree roots and single receivers' units): for scoped lists. */
    targetUnitIds: text('target_unit_ids', { mode: 'json' }).$type<number[]>().notNull(),
    /** The contract's source (media / live / stream). */
    source: text('source', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    repeat: integer('repeat').notNull(),
    volume: integer('volume').notNull(),
    /** Topics the retained record went to: area paths and single device ids. */
    areas: text('areas', { mode: 'json' }).$type<string[][]>().notNull(),
    deviceTopics: text('device_topics', { mode: 'json' }).$type<string[]>().notNull(),
    /** The content was not approved beforehand (live, stream, or media not in an approved bulletin). */
    approvedOnSend: integer('approved_on_send', { mode: 'boolean' }).notNull(),
    /** 'active' | 'stopped' | 'expired'. */
    state: text('state').notNull(),
    /** Server time of the start call: every latency is measured from it. */
    startedAt: integer('started_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    endedAt: integer('ended_at'),
    stoppedBy: text('stopped_by'),
    stopReason: text('stop_reason'),
  },
  (t) => [index('emergencies_state_idx').on(t.state), index('emergencies_started_idx').on(t.startedAt)],
);

/** One row per targeted receiver: what it reported, in server time by its clock sync. */
export const emergencyReach = sqliteTable(
  'emergency_reach',
  {
    emergencyId: text('emergency_id').notNull(),
    deviceId: text('device_id').notNull(),
    offlineAtStart: integer('offline_at_start', { mode: 'boolean' }).notNull(),
    receivedAt: integer('received_at'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    /** finished | stopped | expired | superseded. */
    outcome: text('outcome'),
    failedAt: integer('failed_at'),
    failedReason: text('failed_reason'),
  },
  (t) => [primaryKey({ columns: [t.emergencyId, t.deviceId] })],
);
