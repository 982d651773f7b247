import type { EmergencyReport } from '@nguon/protocols';
import type Database from 'better-sqlite3';
import { desc, eq, sql } from 'drizzle-orm';
import { type Db, sqliteOf } from '../../db/db.js';
import { emergencies, emergencyReach } from '../../db/schema.js';
import { distribution } from './latency.js';

export type EmergencyRow = typeof emergencies.$inferSelect;
export type EmergencyState = 'active' | 'stopped' | 'expired';

export interface DeviceReport extends EmergencyReport {
  deviceId: string;
}

/** SQL per stage: the first report of each stage wins; a later duplicate (outbox resend) changes nothing. */
const UPSERT: Record<EmergencyReport['stage'], string> = {
  received: `INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start, received_at) VALUES (?, ?, 0, ?)
    ON CONFLICT DO UPDATE SET received_at = coalesce(received_at, excluded.received_at)`,
  started: `INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start, received_at, started_at)
    VALUES (?, ?, 0, ?, ?) ON CONFLICT DO UPDATE SET started_at = coalesce(started_at, excluded.started_at),
    received_at = coalesce(received_at, excluded.received_at)`,
  finished: `INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start, finished_at, outcome)
    VALUES (?, ?, 0, ?, ?) ON CONFLICT DO UPDATE SET finished_at = coalesce(finished_at, excluded.finished_at),
    outcome = coalesce(outcome, excluded.outcome)`,
  failed: `INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start, failed_at, failed_reason)
    VALUES (?, ?, 0, ?, ?) ON CONFLICT DO UPDATE SET failed_at = coalesce(failed_at, excluded.failed_at),
    failed_reason = coalesce(failed_reason, excluded.failed_reason)`,
};

export function createEmergencyRepository(db: Db) {
  // Prepared statements on the driver itself: ten thousand reports in one transaction within milliseconds.
  const sqlite = sqliteOf(db);
  const upserts = Object.fromEntries(Object.entries(UPSERT).map(([k, q]) => [k, sqlite.prepare(q)])) as Record<
    EmergencyReport['stage'],
    Database.Statement<unknown[]>
  >;
  const insertReach = sqlite.prepare(
    'INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const params = (r: DeviceReport): unknown[] => {
    if (r.stage === 'received') return [r.emergencyId, r.deviceId, r.at];
    if (r.stage === 'started') return [r.emergencyId, r.deviceId, r.at, r.at];
    if (r.stage === 'finished') return [r.emergencyId, r.deviceId, r.at, r.outcome ?? 'finished'];
    return [r.emergencyId, r.deviceId, r.at, r.reason ?? 'failed'];
  };

  return {
    insert(row: typeof emergencies.$inferInsert): void {
      db.insert(emergencies).values(row).run();
    },
    get: (id: string): EmergencyRow | undefined => db.select().from(emergencies).where(eq(emergencies.id, id)).get(),
    list: (limit = 200): EmergencyRow[] =>
      db.select().from(emergencies).orderBy(desc(emergencies.startedAt)).limit(limit).all(),
    active: (): EmergencyRow[] => db.select().from(emergencies).where(eq(emergencies.state, 'active')).all(),
    /** Moves an active emergency to its end state; false if it had ended already. */
    end(id: string, state: Exclude<EmergencyState, 'active'>, at: number, by: string | null, reason: string): boolean {
      const r = db
        .update(emergencies)
        .set({ state, endedAt: at, stoppedBy: by, stopReason: reason })
        .where(sql`${emergencies.id} = ${id} AND ${emergencies.state} = 'active'`)
        .run();
      return r.changes > 0;
    },
    addReceivers: sqlite.transaction((id: string, rows: Array<{ deviceId: string; online: boolean }>) => {
      for (const r of rows) insertReach.run(id, r.deviceId, r.online ? 0 : 1);
    }) as (id: string, rows: Array<{ deviceId: string; online: boolean }>) => void,
    applyReports: sqlite.transaction((reports: DeviceReport[]) => {
      for (const r of reports) upserts[r.stage].run(...params(r));
    }) as (reports: DeviceReport[]) => void,

    /** Counts, latency distributions from the start call, and receivers offline at the start not reached. */
    reach(e: EmergencyRow) {
      const rows = db.select().from(emergencyReach).where(eq(emergencyReach.emergencyId, e.id)).all();
      const ended = (r: (typeof rows)[number]) => r.finishedAt !== null || r.failedAt !== null;
      const received = rows.filter((r) => r.receivedAt !== null);
      const started = rows.filter((r) => r.startedAt !== null);
      const offline = rows.filter((r) => r.offlineAtStart && r.receivedAt === null);
      return {
        targeted: rows.length,
        received: received.length,
        started: started.length,
        playing: e.state === 'active' ? started.filter((r) => !ended(r)).length : 0,
        finished: rows.filter((r) => r.finishedAt !== null).length,
        failed: rows.filter((r) => r.failedAt !== null).length,
        offline: offline.length,
        /** Offline at the start and joined later (they came back while it was valid). */
        joinedLate: rows.filter((r) => r.offlineAtStart && r.receivedAt !== null).length,
        latencyMs: {
          received: distribution(received.map((r) => r.receivedAt! - e.startedAt)),
          started: distribution(started.map((r) => r.startedAt! - e.startedAt)),
        },
        offlineReceivers: offline.slice(0, 1000).map((r) => r.deviceId),
        failures: rows
          .filter((r) => r.failedAt !== null)
          .slice(0, 200)
          .map((r) => ({ deviceId: r.deviceId, at: r.failedAt, reason: r.failedReason })),
      };
    },
  };
}
export type EmergencyRepository = ReturnType<typeof createEmergencyRepository>;
