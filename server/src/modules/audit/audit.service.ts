import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { auditLog } from '../../db/schema.js';
import type { Scope, ScopeQueries } from '../units/scope.js';

export type AuditEntry = typeof auditLog.$inferInsert;
export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditQuery {
  from?: number | undefined;
  to?: number | undefined;
  actorUserId?: number | undefined;
  action?: string | undefined;
  limit: number;
  offset: number;
}

/** Append-only: this service has no update or delete, and the database refuses them (migration 0002). */
export function createAuditService(deps: { db: Db; scopes: ScopeQueries }) {
  const { db, scopes } = deps;
  return {
    record(entry: AuditEntry): void {
      db.insert(auditLog).values(entry).run();
    },

    /** Entries whose actor or target lies in the caller's scope, newest first. */
    query(scope: Scope, q: AuditQuery): AuditRow[] {
      const where: SQL[] = [];
      if (!scope.all) {
        const ids = scopes.subtreeIds(scope.unitId);
        where.push(or(inArray(auditLog.actorUnitId, ids), inArray(auditLog.targetUnitId, ids)) as SQL);
      }
      if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
      if (q.to !== undefined) where.push(lt(auditLog.at, q.to));
      if (q.actorUserId !== undefined) where.push(eq(auditLog.actorUserId, q.actorUserId));
      if (q.action !== undefined) where.push(eq(auditLog.action, q.action));
      return db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(desc(auditLog.id))
        .limit(q.limit)
        .offset(q.offset)
        .all();
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;

const CSV_COLUMNS = [
  'id',
  'at',
  'actorUserId',
  'actorName',
  'actorRole',
  'actorUnitId',
  'actorDeviceId',
  'action',
  'method',
  'route',
  'targetType',
  'targetId',
  'targetUnitId',
  'outcome',
  'statusCode',
  'errorCode',
  'sourceIp',
  'requestId',
] as const satisfies ReadonlyArray<keyof AuditRow>;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  // Quote anything with a separator, quote or newline; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with an ISO time column, opened correctly by spreadsheet programs (UTF-8 BOM). */
export function auditToCsv(rows: AuditRow[]): string {
  const header = ['time_utc', ...CSV_COLUMNS].join(',');
  const lines = rows.map((r) => [new Date(r.at).toISOString(), ...CSV_COLUMNS.map((c) => csvCell(r[c]))].join(','));
  return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
}
