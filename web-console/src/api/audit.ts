import { z } from 'zod';
import { get, query } from './http.js';

export const AuditEntrySchema = z
  .object({
    id: z.number(),
    at: z.number(),
    actorUserId: z.number().nullable(),
    actorName: z.string().nullable(),
    actorRole: z.string().nullable(),
    actorDeviceId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    outcome: z.string(),
    statusCode: z.number().nullable(),
    errorCode: z.string().nullable(),
    sourceIp: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .loose();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export interface AuditFilter {
  from?: string;
  to?: string;
  actorUserId?: number;
  action?: string;
  limit?: number;
}

export const auditQuery = (f: AuditFilter) => query({ ...f });
export const listAudit = (f: AuditFilter) =>
  get(`/api/v1/audit${auditQuery(f)}`, z.object({ entries: z.array(AuditEntrySchema) })).then((r) => r.entries);
/** The same filter as a CSV download (the session cookie goes with a plain link). */
export const auditCsvUrl = (f: AuditFilter) => `/api/v1/audit/export.csv${auditQuery(f)}`;
