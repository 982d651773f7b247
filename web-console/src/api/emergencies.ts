import { DeviceIdSchema, Sha256Schema, UnitCodeSchema, VolumeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { get, post } from './http.js';

/**
 * The live and emergency console's API (server/src/modules/emergency/emergency.routes.ts):
 * `POST /api/v1/emergencies` starts one, `GET /api/v1/emergencies/:id` answers it with its reach,
 * `GET /api/v1/emergencies/:id/events` pushes the reach as server-sent `reach` events,
 * `POST /api/v1/emergencies/:id/stop` stops it. The start body mirrors the route's zod schema.
 */
export const EmergencyStartSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    targets: z
      .object({
        units: z.array(UnitCodeSchema).max(500),
        devices: z.array(DeviceIdSchema).max(10_000),
        groups: z.array(z.number().int().positive()).max(100),
      })
      .strict(),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('media'), sha256: Sha256Schema }).strict(),
      z.object({ kind: z.literal('live'), mountId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
      z.object({ kind: z.literal('stream'), url: z.url({ protocol: /^https?$/ }) }).strict(),
    ]),
    repeat: z.number().int().min(1).max(20),
    volume: VolumeSchema.optional(),
    /** Seconds it stays valid: receivers stop then, late joiners do not join. */
    validForS: z.number().int().min(5).max(86_400),
  })
  .strict();
export type EmergencyStart = z.infer<typeof EmergencyStartSchema>;

const Distribution = z.object({
  count: z.number(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});

/** `service.reach(row)`: counts and latencies from the start call. */
export const ReachSchema = z.object({
  targeted: z.number(),
  received: z.number(),
  started: z.number(),
  /** Receivers playing it now (0 once it is no longer active). */
  playing: z.number(),
  finished: z.number(),
  failed: z.number(),
  offline: z.number(),
  joinedLate: z.number(),
  latencyMs: z.object({ received: Distribution, started: Distribution }),
  offlineReceivers: z.array(z.string()),
  failures: z.array(z.object({ deviceId: z.string(), at: z.number().nullable(), reason: z.string().nullable() })),
});
export type Reach = z.infer<typeof ReachSchema>;

/** The emergency row as the routes show it (`view()`: without creator, areas and topics). */
export const EmergencySchema = z.object({
  id: z.string(),
  title: z.string(),
  origin: z.string(),
  capAlertId: z.string().nullable(),
  unitId: z.number(),
  actorLabel: z.string(),
  targets: z.object({ unitIds: z.array(z.number()), deviceIds: z.array(z.string()) }),
  targetUnitIds: z.array(z.number()),
  source: z.record(z.string(), z.unknown()),
  repeat: z.number(),
  volume: z.number(),
  approvedOnSend: z.boolean(),
  state: z.enum(['active', 'stopped', 'expired']),
  startedAt: z.number(),
  expiresAt: z.number(),
  endedAt: z.number().nullable(),
  stoppedBy: z.string().nullable(),
  stopReason: z.string().nullable(),
});
export type Emergency = z.infer<typeof EmergencySchema>;

/** One emergency with its reach: the GET answer and each `reach` event's data. */
export const EmergencyReachSchema = z.object({ emergency: EmergencySchema, reach: ReachSchema });
export type EmergencyWithReach = z.infer<typeof EmergencyReachSchema>;

export const startEmergency = (input: EmergencyStart) =>
  post(
    '/api/v1/emergencies',
    EmergencyStartSchema.parse(input),
    z.object({ emergency: EmergencySchema, targeted: z.number() }),
  );
export const getEmergency = (id: string) => get(`/api/v1/emergencies/${encodeURIComponent(id)}`, EmergencyReachSchema);
export const listEmergencies = () =>
  get('/api/v1/emergencies', z.object({ emergencies: z.array(EmergencySchema) })).then((r) => r.emergencies);
export const stopEmergency = (id: string, reason: string) =>
  post(`/api/v1/emergencies/${encodeURIComponent(id)}/stop`, { reason }, z.object({ emergency: EmergencySchema }));
export const emergencyEventsUrl = (id: string) => `/api/v1/emergencies/${encodeURIComponent(id)}/events`;

/** Share of targeted receivers that started it, 0–100 (while active: playing; after: reached at all). */
export function reachPct(r: Reach, active = true): number {
  const n = active ? r.playing : r.started;
  return r.targeted === 0 ? 0 : Math.min(100, Math.round((n / r.targeted) * 100));
}
