import { z } from 'zod';
import { get, query } from './http.js';

/**
 * A receiver's history beyond its play log: the events its agent reported (`GET /api/v1/devices/:id/events`,
 * server/src/modules/devices) and its health over time (`GET /api/v1/devices/:id/health`, monitoring).
 */
export const DeviceEventSchema = z.object({
  seq: z.number(),
  eventId: z.string(),
  deviceId: z.string(),
  type: z.string(),
  level: z.string(),
  message: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  deviceTs: z.number(),
  receivedAt: z.number(),
});
export type DeviceEvent = z.infer<typeof DeviceEventSchema>;

export const deviceEvents = (id: string, limit = 50, before?: number) =>
  get(
    `/api/v1/devices/${encodeURIComponent(id)}/events${query({ limit, before })}`,
    z.object({ events: z.array(DeviceEventSchema), nextBefore: z.number().nullable() }),
  );

/** Raw samples carry the value itself; 5-minute and hourly buckets carry `{min, avg, max}` per metric. */
const Bucket = z.object({ min: z.number().nullable(), avg: z.number(), max: z.number().nullable() }).nullable();
const PointSchema = z
  .object({
    at: z.number(),
    cpuTempC: z.number().nullable().optional(),
    diskUsedPct: z.number().nullable().optional(),
    signalDbm: z.number().nullable().optional(),
    temp: Bucket.optional(),
    disk: Bucket.optional(),
    signal: Bucket.optional(),
  })
  .loose();
export const HealthHistorySchema = z.object({
  deviceId: z.string(),
  from: z.number(),
  to: z.number(),
  step: z.enum(['raw', '5m', '1h']),
  points: z.array(PointSchema),
});
export type HealthHistory = z.infer<typeof HealthHistorySchema>;
export type HealthMetric = 'temp' | 'disk' | 'signal';
const RAW_KEY = { temp: 'cpuTempC', disk: 'diskUsedPct', signal: 'signalDbm' } as const;

/** `auto`: raw readings up to 6 h, 5-minute buckets up to 7 days, hourly beyond (health-history.ts). */
export const deviceHealth = (id: string, from: Date, to: Date, step: 'auto' | 'raw' = 'auto') =>
  get(
    `/api/v1/devices/${encodeURIComponent(id)}/health${query({ from: from.toISOString(), to: to.toISOString(), step })}`,
    HealthHistorySchema,
  );

/** `[instant, value]` of one metric, whatever the step; points without it are left out. */
export function metricSeries(h: HealthHistory, metric: HealthMetric): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of h.points) {
    const v = h.step === 'raw' ? p[RAW_KEY[metric]] : p[metric]?.avg;
    if (typeof v === 'number') out.push([p.at, v]);
  }
  return out;
}
