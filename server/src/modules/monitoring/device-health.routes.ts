import { DeviceIdSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { Monitoring } from './monitoring.js';
import { presenceReport } from './presence-report.js';

const Params = z.object({ id: DeviceIdSchema });
const Range = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const HealthQuery = Range.extend({ step: z.enum(['auto', 'raw', '5m', '1h']).default('auto') });
const HOUR = 3_600_000;

export function parseRange(q: { from?: string | undefined; to?: string | undefined }, now: number, defaultMs: number) {
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : to - defaultMs;
  if (from >= to) throw new AppError('validation_failed', '`from` must be before `to`');
  if (to - from > 400 * 24 * HOUR) throw new AppError('validation_failed', 'at most 400 days at once');
  return { from, to };
}

/** A receiver's health now and over time, and its presence transitions and uptime (issue 8). */
export const deviceHealthRoutes: FastifyPluginAsync<{
  monitoring: Monitoring;
  devices: DevicesService;
  clock: () => number;
}> = async (base, o) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const deviceUnit = (r: FastifyRequest) => o.devices.get((r.params as { id: string }).id).unitId;

  app.get(
    '/api/v1/devices/:id/health',
    {
      config: { access: { permission: 'devices.read', unit: deviceUnit } },
      schema: { params: Params, querystring: HealthQuery },
    },
    async (r) => {
      const { from, to } = parseRange(r.query, o.clock(), 24 * HOUR);
      const p = o.monitoring.presence.get(r.params.id);
      return {
        deviceId: r.params.id,
        presence: p && { state: p.state, since: p.since, lastSeenAt: p.lastSeenAt, session: p.session },
        current: p?.health ?? null,
        from,
        to,
        ...o.monitoring.history.series(r.params.id, from, to, r.query.step),
      };
    },
  );

  app.get(
    '/api/v1/devices/:id/presence',
    {
      config: { access: { permission: 'devices.read', unit: deviceUnit } },
      schema: { params: Params, querystring: Range },
    },
    async (r) => {
      const { from, to } = parseRange(r.query, o.clock(), 24 * HOUR);
      o.monitoring.writer.flush();
      return presenceReport(o.monitoring, o.devices.get(r.params.id), from, Math.min(to, o.clock()));
    },
  );
};
