import type { DeviceEvent } from '@nguon/protocols';
import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { type Db, sqliteOf } from '../../db/db.js';
import { deviceEvents } from '../../db/schema.js';

export interface DeviceEventsPage {
  events: Array<typeof deviceEvents.$inferSelect>;
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/**
 * Receiver events on record (issue 5). They arrive through the agent's outbox with QoS 1, so the same
 * event may come twice after a lost acknowledgement: the agent's event id keys it, stored once.
 */
export function createDeviceEventsService(deps: {
  db: Db;
  clock: () => number;
  log: Logger;
  /** Events received longer ago than this are deleted (issue 5: the table must not grow without bound). */
  retentionMs: number;
  /** Rows deleted per statement: short write transactions, so ingest is never held up for long. */
  retentionBatch?: number;
}) {
  const { db, clock, log } = deps;
  const batch = deps.retentionBatch ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  const sqlite = sqliteOf(db);
  // Stored only for a known receiver, and once per event id.
  const insertEvent = sqlite.prepare(
    `INSERT INTO device_events (event_id, device_id, type, level, message, data, device_ts, received_at)
     SELECT ?, id, ?, ?, ?, ?, ?, ? FROM devices WHERE id = ?
     ON CONFLICT DO NOTHING`,
  );
  const deviceExists = sqlite.prepare('SELECT 1 FROM devices WHERE id = ?').pluck();

  /**
   * Deletes what is past retention, `batch` rows at a time, yielding to the event loop in between.
   * `seq` grows with arrival, so the first row still inside retention bounds the deletion: every batch is
   * a range of the primary key (no scan of the whole table, no extra index).
   */
  async function retainNow(): Promise<number> {
    const cutoff = clock() - deps.retentionMs;
    const first = db
      .select({ seq: deviceEvents.seq })
      .from(deviceEvents)
      .where(gte(deviceEvents.receivedAt, cutoff))
      .orderBy(asc(deviceEvents.seq))
      .limit(1)
      .get();
    const bound = first?.seq ?? Number.MAX_SAFE_INTEGER;
    let deleted = 0;
    for (;;) {
      const res = db
        .delete(deviceEvents)
        .where(
          sql`${deviceEvents.seq} IN (SELECT ${deviceEvents.seq} FROM ${deviceEvents} WHERE ${deviceEvents.seq} < ${bound} ORDER BY ${deviceEvents.seq} LIMIT ${batch})`,
        )
        .run();
      deleted += res.changes;
      if (res.changes < batch) break;
      await new Promise((r) => setImmediate(r));
    }
    if (deleted > 0) log.info({ deleted, cutoff }, 'device events past retention deleted');
    return deleted;
  }

  return {
    /** One retention pass; concurrent calls share the pass under way. Resolves to the rows deleted. */
    retain(): Promise<number> {
      running ??= retainNow().finally(() => {
        running = null;
      });
      return running;
    },

    /** Runs retention now and then every `everyMs`. */
    startRetention(everyMs: number): void {
      const pass = () =>
        void this.retain().catch((err: unknown) => log.error({ err }, 'device event retention failed'));
      pass();
      timer = setInterval(pass, everyMs);
      timer.unref();
    },
    async stopRetention(): Promise<void> {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },

    /** Returns false for a duplicate or an event from an unknown receiver (logged, never thrown). */
    ingest(deviceId: string, event: DeviceEvent): boolean {
      // One prepared statement: an emergency brings thousands of these within a second or two.
      const res = insertEvent.run(
        event.id,
        event.type,
        event.level,
        event.message ?? null,
        event.data === undefined ? null : JSON.stringify(event.data),
        event.ts,
        clock(),
        deviceId,
      );
      if (res.changes === 1) return true;
      if (!deviceExists.get(deviceId))
        log.warn({ deviceId, eventId: event.id }, 'event from an unknown receiver dropped');
      return false;
    },

    /** Newest first; `before` is the `seq` cursor of the previous page. */
    forDevice(deviceId: string, opts: { limit: number; before?: number | undefined; type?: string | undefined }) {
      const where = and(
        eq(deviceEvents.deviceId, deviceId),
        opts.before === undefined ? undefined : lt(deviceEvents.seq, opts.before),
        opts.type === undefined ? undefined : eq(deviceEvents.type, opts.type),
      );
      const rows = db
        .select()
        .from(deviceEvents)
        .where(where)
        .orderBy(desc(deviceEvents.seq))
        .limit(opts.limit + 1)
        .all();
      const more = rows.length > opts.limit;
      const events = more ? rows.slice(0, opts.limit) : rows;
      return { events, nextBefore: more ? (events.at(-1)?.seq ?? null) : null } satisfies DeviceEventsPage;
    },
  };
}
export type DeviceEventsService = ReturnType<typeof createDeviceEventsService>;
