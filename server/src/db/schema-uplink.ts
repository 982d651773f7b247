import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/**
 * Province side of the national link (issue 8, item 6): what still has to reach the national system.
 * One row per (kind, key): a receiver's status is coalesced onto its row (only the latest matters), a
 * play log is one row forever (its key is our log id, which the national side de-duplicates on), a
 * schedule is re-queued when its fingerprint (revision and state) changes. `sentAt` null = pending.
 */
export const uplinkOutbox = sqliteTable(
  'uplink_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 'status' | 'playlog' | 'schedule'. */
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    /** For coalesced kinds: what the payload was built from; an unchanged fingerprint is not re-queued. */
    fingerprint: text('fingerprint'),
    payload: text('payload', { mode: 'json' }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [uniqueIndex('uplink_outbox_key_uq').on(t.kind, t.key), index('uplink_outbox_pending_idx').on(t.sentAt, t.id)],
);

/** Small durable cursors of the link: the last playback-log rowid queued, the last national bulletin seen. */
export const uplinkState = sqliteTable('uplink_state', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** National bulletins this province received, by national id: receiving one twice changes nothing. */
export const uplinkNationalBulletins = sqliteTable('uplink_national_bulletins', {
  nationalId: text('national_id').primaryKey(),
  /** 'scheduled' | 'failed' (with the reason; a permanent refusal, e.g. an unknown target unit). */
  state: text('state').notNull(),
  bulletinId: integer('bulletin_id'),
  scheduleId: integer('schedule_id'),
  error: text('error'),
  payload: text('payload', { mode: 'json' }).notNull(),
  receivedAt: integer('received_at').notNull(),
});

/** National side: the provinces federated into this national view; only the sha256 of a token is kept. */
export const nationalProvinces = sqliteTable(
  'national_provinces',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    lastContactAt: integer('last_contact_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('national_provinces_code_uq').on(t.code),
    uniqueIndex('national_provinces_token_uq').on(t.tokenHash),
  ],
);

/** A province's source stations (NguonID) as last reported. */
export const nationalStations = sqliteTable(
  'national_stations',
  {
    provinceId: integer('province_id').notNull(),
    stationId: text('station_id').notNull(),
    name: text('name').notNull(),
    lastContactAt: integer('last_contact_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provinceId, t.stationId] })],
);

/** Each receiver (CumLoaID) of each province with its last status ping. */
export const nationalReceivers = sqliteTable(
  'national_receivers',
  {
    provinceId: integer('province_id').notNull(),
    receiverId: text('receiver_id').notNull(),
    stationId: text('station_id').notNull(),
    unitCode: text('unit_code').notNull(),
    /** TrangThaiHoatDong: 0 offline, 1 ready, 2 playing. */
    operatingState: integer('operating_state').notNull(),
    /** When the province last heard from the receiver (ThoiDiemCapNhat); null: never. */
    reportedAt: integer('reported_at'),
    receivedAt: integer('received_at').notNull(),
    status: text('status', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provinceId, t.receiverId] })],
);

/** Play logs, de-duplicated by (province, key): a batch resent after a lost answer is stored once. */
export const nationalPlayLogs = sqliteTable(
  'national_play_logs',
  {
    provinceId: integer('province_id').notNull(),
    key: text('key').notNull(),
    receiverId: text('receiver_id').notNull(),
    event: text('event').notNull(),
    startedAt: integer('started_at'),
    receivedAt: integer('received_at').notNull(),
    log: text('log', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provinceId, t.key] }), index('national_play_logs_start_idx').on(t.startedAt)],
);

/** Each province's schedules (LichPhatID) as last reported. */
export const nationalSchedules = sqliteTable(
  'national_schedules',
  {
    provinceId: integer('province_id').notNull(),
    scheduleId: text('schedule_id').notNull(),
    revision: integer('revision').notNull(),
    receivedAt: integer('received_at').notNull(),
    schedule: text('schedule', { mode: 'json' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provinceId, t.scheduleId] })],
);

/** A bulletin the national level published, and its queue per province (`seq` is the pull cursor). */
export const nationalBulletins = sqliteTable('national_bulletins', {
  id: text('id').primaryKey(),
  sha256: text('sha256').notNull(),
  message: text('message', { mode: 'json' }).notNull(),
  createdBy: integer('created_by'),
  createdAt: createdAt(),
});

export const nationalBulletinDeliveries = sqliteTable(
  'national_bulletin_deliveries',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    bulletinId: text('bulletin_id').notNull(),
    provinceId: integer('province_id').notNull(),
    /** The province's own part of the message (its DanhSachDiaBan / DanhSachThietBi). */
    message: text('message', { mode: 'json' }).notNull(),
    fetchedAt: integer('fetched_at'),
  },
  (t) => [
    uniqueIndex('national_deliveries_uq').on(t.bulletinId, t.provinceId),
    index('national_deliveries_province_idx').on(t.provinceId, t.seq),
  ],
);
