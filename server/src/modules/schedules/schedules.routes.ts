import { DeviceIdSchema, formatVn, ScheduleInputSchema, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { PlaylistService } from './playlist.service.js';
import type { ProofOfPlay } from './proof-of-play.js';
import type { SchedulesService } from './schedules.service.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Range = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const DAY = 86_400_000;

export const schedulesRoutes: FastifyPluginAsync<{
  schedules: SchedulesService;
  playlists: PlaylistService;
  proof: ProofOfPlay;
  devices: DevicesService;
  units: UnitsService;
  scopes: ScopeQueries;
}> = async (base, o) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const scheduleUnit = (r: FastifyRequest) => o.schedules.unitOf((r.params as { id: number }).id);
  const ownerUnit = (r: FastifyRequest) => {
    const code = (r.body as { unitCode?: string }).unitCode;
    if (!code) return r.user?.unitId;
    const u = o.units.byCode(code);
    if (!u) throw new AppError('not_found', `unit code ${code} not found`);
    return u.id;
  };
  const note = (r: FastifyRequest, id: number) => {
    r.audit.targetType = 'schedule';
    r.audit.targetId = String(id);
  };
  const range = (q: z.infer<typeof Range>, now: number) => ({
    from: q.from ? Date.parse(q.from) : now - DAY,
    to: q.to ? Date.parse(q.to) : now + DAY,
  });
  const Body = z.intersection(ScheduleInputSchema, z.object({ unitCode: UnitCodeSchema.optional() }));
  const strip = <T extends { unitCode?: string | undefined }>(b: T) => {
    const { unitCode: _u, ...rest } = b;
    return rest;
  };

  app.get('/api/v1/schedules', { config: { access: { permission: 'schedules.read', unit: 'filter' } } }, async (r) => ({
    schedules: o.schedules.list(r.scope),
  }));
  app.get(
    '/api/v1/schedules/:id',
    { config: { access: { permission: 'schedules.read', unit: scheduleUnit } }, schema: { params: IdParams } },
    async (r) => ({ schedule: o.schedules.get(r.params.id) }),
  );
  app.post(
    '/api/v1/schedules',
    { config: { access: { permission: 'schedules.write', unit: ownerUnit } }, schema: { body: Body } },
    async (r, reply) => {
      const res = await o.schedules.create(r.user!, r.scope, ownerUnit(r)!, strip(r.body));
      note(r, res.schedule.id);
      reply.status(201);
      return res;
    },
  );
  app.put(
    '/api/v1/schedules/:id',
    {
      config: { access: { permission: 'schedules.write', unit: scheduleUnit } },
      schema: { params: IdParams, body: ScheduleInputSchema },
    },
    async (r) => {
      note(r, r.params.id);
      return o.schedules.edit(r.user!, r.scope, r.params.id, r.body);
    },
  );
  for (const [path, state] of [
    ['pause', 'paused'],
    ['resume', 'active'],
    ['cancel', 'cancelled'],
  ] as const) {
    app.post(
      `/api/v1/schedules/:id/${path}`,
      { config: { access: { permission: 'schedules.write', unit: scheduleUnit } }, schema: { params: IdParams } },
      async (r) => {
        note(r, r.params.id);
        return { schedule: await o.schedules.setState(r.params.id, state) };
      },
    );
  }

  const deviceUnit = (r: FastifyRequest) => o.devices.get((r.params as { id: string }).id).unitId;
  const DeviceParams = z.object({ id: DeviceIdSchema });
  app.get(
    '/api/v1/devices/:id/playlist',
    {
      config: { access: { permission: 'schedules.read', unit: deviceUnit } },
      schema: { params: DeviceParams, querystring: Range },
    },
    async (r) => {
      const now = Date.now();
      const { from, to } = range(r.query, now);
      return {
        items: o.playlists.timeline(r.params.id, Math.max(from, now), to).map((i) => ({
          key: i.key,
          title: i.title,
          scheduleId: i.scheduleId,
          status: i.status,
          reason: i.reason ?? null,
          plannedStart: new Date(i.plannedStart).toISOString(),
          local: formatVn(i.plannedStart),
          durationMs: i.durationMs,
          priority: i.priority,
        })),
      };
    },
  );
  app.get(
    '/api/v1/devices/:id/schedule-report',
    {
      config: { access: { permission: 'schedules.read', unit: deviceUnit } },
      schema: { params: DeviceParams, querystring: Range },
    },
    async (r) => {
      const { from, to } = range(r.query, Date.now());
      return o.proof.report([r.params.id], from, to);
    },
  );
  const unitOfCode = (r: FastifyRequest) => {
    const u = o.units.byCode((r.params as { code: string }).code);
    if (!u) throw new AppError('not_found', `unit code ${(r.params as { code: string }).code} not found`);
    return u.id;
  };
  app.get(
    '/api/v1/units/:code/schedule-report',
    {
      config: { access: { permission: 'schedules.read', unit: unitOfCode } },
      schema: { params: z.object({ code: UnitCodeSchema }), querystring: Range },
    },
    async (r) => {
      const { from, to } = range(r.query, Date.now());
      const ids = new Set(o.scopes.subtreeIds(unitOfCode(r)));
      const deviceIds = o.devices
        .list()
        .filter((d) => ids.has(d.unitId))
        .map((d) => d.id);
      const { items: _i, ...summary } = o.proof.report(deviceIds, from, to);
      return summary;
    },
  );
};
