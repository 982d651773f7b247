import { z } from 'zod';
import { get, post } from './http.js';

/**
 * The live and emergency console's API (issue 7): `POST /api/v1/emergencies` starts one,
 * `GET /api/v1/emergencies/:id` answers its reach, `GET /api/v1/emergencies/:id/events` pushes reach
 * changes (server-sent events), `POST /api/v1/emergencies/:id/stop` stops it. Not part of this build
 * yet; the input follows server/src/modules/emergency/emergency.types.ts (EmergencyStartInput), the
 * answers are what the console expects and are checked against these schemas when the routes exist.
 */
export interface EmergencyStart {
  title: string;
  targets: { unitCodes: string[]; deviceIds: string[] };
  source: { kind: 'media'; sha256: string } | { kind: 'stream'; url: string };
  repeat: number;
  volume?: number;
  /** Minutes from now after which receivers stop and late joiners do not join. */
  expiresInMinutes: number;
}

export const ReachSchema = z
  .object({
    targeted: z.number(),
    /** Receivers that confirmed they are playing it. */
    playing: z.number(),
    /** Receivers that got the command (acknowledged), playing or not yet. */
    acknowledged: z.number().optional(),
    failed: z.number().optional(),
  })
  .loose();
export type Reach = z.infer<typeof ReachSchema>;

export const EmergencySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    state: z.string(),
    startedAt: z.number().optional(),
    reach: ReachSchema,
  })
  .loose();
export type Emergency = z.infer<typeof EmergencySchema>;

export const startEmergency = (input: EmergencyStart) =>
  post('/api/v1/emergencies', input, z.object({ id: z.string(), targeted: z.number() }).loose());
export const getEmergency = (id: string) =>
  get(`/api/v1/emergencies/${encodeURIComponent(id)}`, z.object({ emergency: EmergencySchema })).then(
    (r) => r.emergency,
  );
export const listEmergencies = () =>
  get('/api/v1/emergencies', z.object({ emergencies: z.array(EmergencySchema) })).then((r) => r.emergencies);
export const stopEmergency = (id: string, reason: string) =>
  post(`/api/v1/emergencies/${encodeURIComponent(id)}/stop`, { reason });
export const emergencyEventsUrl = (id: string) => `/api/v1/emergencies/${encodeURIComponent(id)}/events`;

/** Share of targeted receivers playing, 0–100. */
export function reachPct(r: Reach): number {
  return r.targeted === 0 ? 0 : Math.min(100, Math.round((r.playing / r.targeted) * 100));
}
