import { DeviceIdSchema, Sha256Schema, UnitCodeSchema, VolumeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UnitsService } from '../units/units.service.js';
import type { EmergencyRow } from './emergency.repository.js';
import type { EmergencyService } from './emergency.service.js';
import type { EmergencyActor } from './emergency.types.js';
import type { EmergencyReports } from './emergency-reports.js';
import type { EmergencyTargetResolver } from './emergency-targets.js';

const StartBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    targets: z
      .object({
        units: z.array(UnitCodeSchema).max(500).default([]),
        devices: z.array(DeviceIdSchema).max(10_000).default([]),
        /** Zones: every receiver of each group. */
        groups: z.array(z.number().int().positive()).max(100).default([]),
      })
      .strict(),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('media'), sha256: Sha256Schema }).strict(),
      z
        .object({
          kind: z.literal('live'),
          mountId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
          /** `icecast`: receivers pull the mount from the Icecast server it is pushed to (scale-out). */
          via: z.enum(['server', 'icecast']).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('stream'), url: z.url({ protocol: /^https?$/ }) }).strict(),
    ]),
    repeat: z.number().int().min(1).max(20).default(1),
    volume: VolumeSchema.optional(),
    /** How long it stays valid (receivers stop then, late joiners do not join); default 30 minutes. */
    validForS: z
      .number()
      .int()
      .min(5)
      .max(86_400)
      .default(30 * 60),
  })
  .strict();
const IdParams = z.object({ id: z.string().uuid() });
const StopBody = z
  .object({ reason: z.string().max(200).optional() })
  .strict()
  .nullish();

function view(row: EmergencyRow) {
  const { createdBy: _c, areas: _a, deviceTopics: _d, ...rest } = row;
  return rest;
}

export const emergencyRoutes: FastifyPluginAsync<{
  emergencies: EmergencyService;
  reports: EmergencyReports;
  targets: EmergencyTargetResolver;
  units: UnitsService;
  groups: GroupsService;
  clock: () => number;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { emergencies: service } = opts;
  const actor = (r: FastifyRequest): EmergencyActor => ({
    userId: r.user!.id,
    unitId: r.user!.unitId,
    label: r.user!.username,
  });
  // The emergency's unit for access: the deepest unit above all its targets, so its subtree holds them all.
  const emergencyUnit = (r: FastifyRequest) =>
    opts.targets.commonUnit(service.get((r.params as { id: string }).id).targetUnitIds);

  app.post(
    '/api/v1/emergencies',
    { config: { access: { permission: 'emergency.start', unit: 'filter' } }, schema: { body: StartBody } },
    async (request, reply) => {
      const b = request.body;
      const unitIds = b.targets.units.map((code) => {
        const u = opts.units.byCode(code);
        if (!u) throw new AppError('not_found', `unit ${code} not found`);
        return u.id;
      });
      const deviceIds = [...b.targets.devices, ...b.targets.groups.flatMap((g) => [...opts.groups.devicesOf(g)])];
      const started = await service.start(
        {
          title: b.title,
          targets: { unitIds, deviceIds },
          source: b.source,
          repeat: b.repeat,
          ...(b.volume !== undefined ? { volume: b.volume } : {}),
          expiresAt: opts.clock() + b.validForS * 1000,
          origin: 'operator',
        },
        actor(request),
      );
      const row = service.get(started.id);
      request.audit.targetType = 'emergency';
      request.audit.targetId = started.id;
      request.audit.targetUnitId = opts.targets.commonUnit(row.targetUnitIds);
      request.audit.details = {
        title: b.title,
        targets: b.targets,
        source: b.source,
        targeted: started.targeted,
        // Content nobody approved beforehand goes on air under the starter's authority: on record as such.
        approvedOnSend: row.approvedOnSend,
      };
      reply.status(201);
      return { emergency: view(row), targeted: started.targeted };
    },
  );

  app.post(
    '/api/v1/emergencies/:id/stop',
    {
      config: { access: { permission: 'emergency.start', unit: emergencyUnit } },
      schema: { params: IdParams, body: StopBody },
    },
    async (request) => {
      const reason = request.body?.reason ?? 'stopped by operator';
      await service.stop(request.params.id, actor(request), reason);
      request.audit.targetType = 'emergency';
      request.audit.details = { reason };
      return { emergency: view(service.get(request.params.id)) };
    },
  );

  app.get(
    '/api/v1/emergencies',
    { config: { access: { permission: 'emergency.read', unit: 'filter' } } },
    async (request) => ({ emergencies: service.list(request.scope).map(view) }),
  );

  app.get(
    '/api/v1/emergencies/:id',
    { config: { access: { permission: 'emergency.read', unit: emergencyUnit } }, schema: { params: IdParams } },
    async (request) => {
      const row = service.get(request.params.id);
      return { emergency: view(row), reach: service.reach(row) };
    },
  );

  // Live feed for the console (Server-Sent Events): the reach now, then again whenever it changes.
  app.get(
    '/api/v1/emergencies/:id/events',
    {
      config: { access: { permission: 'emergency.read', unit: emergencyUnit } },
      // `once`: the current reach as one event, then the response ends (scripts, checks).
      schema: { params: IdParams, querystring: z.object({ once: z.enum(['1', 'true']).optional() }) },
    },
    async (request, reply) => {
      const id = request.params.id;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      let last = 0;
      let pending: NodeJS.Timeout | null = null;
      const send = () => {
        pending = null;
        last = Date.now();
        const row = service.get(id);
        res.write(`event: reach\ndata: ${JSON.stringify({ emergency: view(row), reach: service.reach(row) })}\n\n`);
      };
      // At most 4 updates a second, however many reports arrive.
      const onChange = (changed: string) => {
        if (changed !== id || pending) return;
        pending = setTimeout(send, Math.max(0, 250 - (Date.now() - last)));
      };
      if (request.query.once) {
        send();
        res.end();
        return;
      }
      const unsubscribe = opts.reports.subscribe(onChange);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      res.on('close', () => {
        unsubscribe();
        clearInterval(ping);
        if (pending) clearTimeout(pending);
      });
      send();
    },
  );
};
