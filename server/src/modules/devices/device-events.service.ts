import type { DeviceEvent } from '@nguon/protocols';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { deviceEvents, devices } from '../../db/schema.js';

export interface DeviceEventsPage {
  events: Array<typeof deviceEvents.$inferSelect>;
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/**
 * Receiver events on record (issue 5). They arrive through the agent's outbox with QoS 1, so the same
 * event may come twice after a lost acknowledgement: the agent's event id keys it, stored once.
 */
export function createDeviceEventsService(deps: { db: Db; clock: () => number; log: Logger }) {
  const { db, clock, log } = deps;
  return {
    /** Returns false for a duplicate or an event from an unknown receiver (logged, never thrown). */
    ingest(deviceId: string, event: DeviceEvent): boolean {
      if (!db.select({ id: devices.id }).from(devices).where(eq(devices.id, deviceId)).get()) {
        log.warn({ deviceId, eventId: event.id }, 'event from an unknown receiver dropped');
        return false;
      }
      const res = db
        .insert(deviceEvents)
        .values({
          eventId: event.id,
          deviceId,
          type: event.type,
          level: event.level,
          message: event.message ?? null,
          data: event.data ?? null,
          deviceTs: event.ts,
          receivedAt: clock(),
        })
        .onConflictDoNothing()
        .run();
      return res.changes === 1;
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
