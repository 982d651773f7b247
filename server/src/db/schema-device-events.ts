import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * What receivers put on record (FM fallback switched, a hook failed, the agent started…), issue 5.
 * `eventId` is the agent's message id: an event resent after a lost acknowledgement is stored once.
 * `seq` orders the rows and is the paging cursor.
 */
export const deviceEvents = sqliteTable(
  'device_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    eventId: text('event_id').notNull(),
    deviceId: text('device_id').notNull(),
    type: text('type').notNull(),
    level: text('level').notNull(),
    message: text('message'),
    data: text('data', { mode: 'json' }).$type<Record<string, string | number | boolean | null>>(),
    deviceTs: integer('device_ts').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [uniqueIndex('device_events_event_uq').on(t.eventId), index('device_events_device_idx').on(t.deviceId, t.seq)],
);
