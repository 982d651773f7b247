import { z } from 'zod';
import { get } from './http.js';

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
