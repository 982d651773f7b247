import { formatVn, vnDateStart } from '@nguon/schemas';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import {
  nationalPlayLogs,
  nationalProvinces,
  nationalReceivers,
  nationalSchedules,
  nationalStations,
} from '../../db/schema.js';

/** A receiver the province has not reported for this long counts as offline in the national view. */
export const STALE_MS = 5 * 60_000;

/** Per province: receivers online/total, last contact, plays started today (Vietnam day), stations. */
export function nationalOverview(db: Db, now: number) {
  const today = vnDateStart(formatVn(now).slice(0, 10));
  return db
    .select()
    .from(nationalProvinces)
    .orderBy(asc(nationalProvinces.code))
    .all()
    .map((p) => {
      const r = db
        .select({
          total: sql<number>`count(*)`,
          online: sql<number>`coalesce(sum(${nationalReceivers.operatingState} <> 0 AND ${nationalReceivers.receivedAt} > ${now - STALE_MS}), 0)`,
        })
        .from(nationalReceivers)
        .where(eq(nationalReceivers.provinceId, p.id))
        .get();
      const scheduleCount = db
        .select({ n: sql<number>`count(*)` })
        .from(nationalSchedules)
        .where(eq(nationalSchedules.provinceId, p.id))
        .get();
      const logs = db
        .select({ n: sql<number>`count(*)` })
        .from(nationalPlayLogs)
        .where(eq(nationalPlayLogs.provinceId, p.id))
        .get();
      const plays = db
        .select({ n: sql<number>`count(*)` })
        .from(nationalPlayLogs)
        .where(
          and(
            eq(nationalPlayLogs.provinceId, p.id),
            eq(nationalPlayLogs.event, 'started'),
            gte(nationalPlayLogs.startedAt, today),
          ),
        )
        .get();
      const stations = db
        .select({
          id: nationalStations.stationId,
          name: nationalStations.name,
          lastContactAt: nationalStations.lastContactAt,
        })
        .from(nationalStations)
        .where(eq(nationalStations.provinceId, p.id))
        .all();
      return {
        code: p.code,
        name: p.name,
        receiversOnline: r?.online ?? 0,
        receiversTotal: r?.total ?? 0,
        lastContactAt: p.lastContactAt,
        playsToday: plays?.n ?? 0,
        playLogs: logs?.n ?? 0,
        schedules: scheduleCount?.n ?? 0,
        stations,
      };
    });
}
