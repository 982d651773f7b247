import { z } from 'zod';
import { api, get, post } from './http.js';

/** Live mounts (server/src/modules/live/live.schemas.ts): what an emergency may relay as its source. */
export const MountSummarySchema = z
  .object({
    id: z.string(),
    unitId: z.number(),
    title: z.string(),
    kind: z.enum(['mic', 'relay', 'file']),
    state: z.enum(['starting', 'live', 'ended']),
  })
  .loose();
export type MountSummary = z.infer<typeof MountSummarySchema>;

export const listLiveMounts = () =>
  get('/api/v1/live', z.object({ mounts: z.array(MountSummarySchema) })).then((r) => r.mounts);

export const MountInfoSchema = MountSummarySchema.extend({
  endReason: z.string().nullable(),
  listeners: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
});
export type MountInfo = z.infer<typeof MountInfoSchema>;
const MountReply = z.object({ mount: MountInfoSchema, streamUrl: z.string() });

/** A mount fed by this browser's microphone (`POST /api/v1/live`, kind `mic`). */
export const startMicMount = (unitCode: string, title: string) =>
  post('/api/v1/live', { kind: 'mic', unitCode, title }, MountReply).then((r) => r.mount);
export const getMount = (id: string) => get(`/api/v1/live/${encodeURIComponent(id)}`, MountReply).then((r) => r.mount);
export const endMount = (id: string) => api('DELETE', `/api/v1/live/${encodeURIComponent(id)}`, { schema: MountReply });
/** The WebSocket the microphone's MediaRecorder chunks go to (the session cookie authenticates it). */
export const micSourceUrl = (id: string) => {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/live/${encodeURIComponent(id)}/source`;
};
