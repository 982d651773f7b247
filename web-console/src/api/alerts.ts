import { z } from 'zod';
import { get, post, query } from './http.js';

/**
 * Alerts from monitoring (server/src/modules/monitoring/alerts.routes.ts): `GET /api/v1/alerts` lists
 * them in the caller's scope; `GET /api/v1/alerts/stream` (server-sent events) sends a `snapshot` of the
 * active ones, then one `alert` event per change; `POST /api/v1/alerts/:id/ack` acknowledges one.
 */
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export const AlertSchema = z.object({
  id: z.number(),
  kind: z.string(),
  unitId: z.number(),
  unitCode: z.string(),
  unitName: z.string(),
  severity: z.enum(['warning', 'critical']),
  state: z.enum(ALERT_STATES),
  /** Written by the server in Vietnamese for operators (alert-rules.ts). */
  title: z.string(),
  devices: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
  openedAt: z.number(),
  updatedAt: z.number(),
  ackedAt: z.number().nullable(),
  ackedBy: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.number().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertSnapshotSchema = z.object({ alerts: z.array(AlertSchema) });
export const AlertEventSchema = z.object({
  event: z.enum(['opened', 'updated', 'acknowledged', 'resolved']),
  at: z.number(),
  alert: AlertSchema,
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

export const ALERTS_STREAM_URL = '/api/v1/alerts/stream';
/** `active`: open and acknowledged, what the dashboard shows. */
export const listAlerts = (state: 'open' | 'acknowledged' | 'resolved' | 'active' = 'active') =>
  get(`/api/v1/alerts${query({ state })}`, AlertSnapshotSchema).then((r) => r.alerts);
export const acknowledgeAlert = (id: number) =>
  post(`/api/v1/alerts/${id}/ack`, {}, z.object({ alert: AlertSchema })).then((r) => r.alert);

/** The list after one stream event: resolved alerts leave it, others are added or replaced, newest first. */
export function applyAlertEvent(list: readonly Alert[], e: AlertEvent): Alert[] {
  const rest = list.filter((a) => a.id !== e.alert.id);
  if (e.alert.state === 'resolved') return rest;
  return [e.alert, ...rest].sort((a, b) => b.id - a.id);
}
