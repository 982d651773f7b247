import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Live mounts fed by the server itself (issue 7): a relayed station or a library file. Kept so they
 * come back, under the same id and URL, after a restart; a microphone mount is not kept (its source is
 * an operator's browser session). `endedAt` null: the mount should be running.
 */
export const liveMounts = sqliteTable(
  'live_mounts',
  {
    id: text('id').primaryKey(),
    unitId: integer('unit_id').notNull(),
    title: text('title').notNull(),
    /** 'relay' | 'file'. */
    kind: text('kind').notNull(),
    url: text('url'),
    sha256: text('sha256'),
    plays: integer('plays'),
    icecast: integer('icecast', { mode: 'boolean' }).notNull(),
    startedBy: text('started_by').notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [index('live_mounts_running_idx').on(t.endedAt)],
);
