import { z } from 'zod';
import { get, post, query } from './http.js';

/**
 * Alerts from monitoring (issue 8): `GET /api/v1/alerts`, pushed live on `GET /api/v1/alerts/stream`
 * (server-sent events). Not part of this build yet: the pages show "not available" until the routes
 * answer; the shape is what the console expects, to be checked when monitoring is merged.
 */
export const AlertSchema = z
  .object({
    id: z.union([z.number(), z.string()]),
    kind: z.string(),
    severity: z.string().optional(),
    state: z.string(),
    message: z.string().optional(),
    deviceId: z.string().nullable().optional(),
    unitId: z.number().nullable().optional(),
    openedAt: z.number().optional(),
  })
  .loose();
export type Alert = z.infer<typeof AlertSchema>;

export const ALERTS_STREAM_URL = '/api/v1/alerts/stream';
export const listAlerts = (state = 'open') =>
  get(`/api/v1/alerts${query({ state })}`, z.object({ alerts: z.array(AlertSchema) })).then((r) => r.alerts);
export const acknowledgeAlert = (id: number | string) => post(`/api/v1/alerts/${id}/ack`, {});
