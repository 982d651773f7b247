import { DeviceIdSchema, Sha256Schema, UnitCodeSchema, VolumeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UnitsService } from '../units/units.service.js';
import { type CommandTarget, OperatorCommandSchema } from './command-bodies.js';
import type { CommandsService } from './commands.service.js';
import type { PlaybackLogService } from './playback-log.service.js';

const IdParams = z.object({ id: DeviceIdSchema });

export const playbackRoutes: FastifyPluginAsync<{
  commands: CommandsService;
  logs: PlaybackLogService;
  devices: DevicesService;
  groups: GroupsService;
  units: UnitsService;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const deviceUnit = (r: FastifyRequest) => opts.devices.get((r.params as { id: string }).id).unitId;
  const control = { access: { permission: 'devices.control', unit: deviceUnit } } as const;
  const actor = (r: FastifyRequest) => r.user?.id ?? null;

  app.post(
    '/api/v1/devices/:id/play',
    {
      config: control,
      schema: { params: IdParams, body: z.object({ sha256: Sha256Schema, volume: VolumeSchema.optional() }).strict() },
    },
    async (request, reply) => {
      reply.status(202);
      return opts.commands.playNow(request.params.id, request.body, actor(request));
    },
  );

  app.post(
    '/api/v1/devices/:id/stop',
    {
      config: control,
      schema: {
        params: IdParams,
        body: z
          .object({ playId: z.string().max(100).optional() })
          .strict()
          .nullish(),
      },
    },
    async (request, reply) => {
      reply.status(202);
      return opts.commands.stop(request.params.id, request.body?.playId, actor(request));
    },
  );

  app.post(
    '/api/v1/devices/:id/volume',
    {
      config: control,
      schema: { params: IdParams, body: z.object({ volume: VolumeSchema, muted: z.boolean().optional() }).strict() },
    },
    async (request, reply) => {
      reply.status(202);
      return opts.commands.setVolume(request.params.id, request.body.volume, request.body.muted, actor(request));
    },
  );

  app.get(
    '/api/v1/devices/:id/logs',
    {
      config: { access: { permission: 'devices.read', unit: deviceUnit } },
      schema: {
        params: IdParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (request) => ({ logs: opts.logs.forDevice(request.params.id, request.query.limit) }),
  );

  const unitByCode = (code: string) => {
    const unit = opts.units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const commandUnit = (r: FastifyRequest) => {
    const cmd = opts.commands.get((r.params as { id: string }).id);
    if (cmd.targetKind === 'device') return opts.devices.get(cmd.target).unitId;
    if (cmd.targetKind === 'group') return opts.groups.unitOf(Number(cmd.target));
    return Number(cmd.target);
  };
  app.get(
    '/api/v1/commands/:id',
    {
      config: { access: { permission: 'devices.read', unit: commandUnit } },
      schema: { params: z.object({ id: z.string().min(1).max(100) }) },
    },
    async (request) => ({ command: opts.commands.get(request.params.id) }),
  );

  // Remote control (issue 5): one body per command type; the reply arrives later over MQTT and shows in
  // GET .../commands. Audited by the audit hook with the command's id and type.
  const sendTo = async (
    request: FastifyRequest,
    target: CommandTarget,
    body: z.infer<typeof OperatorCommandSchema>,
  ) => {
    const sent = await opts.commands.send(target, body, actor(request));
    request.audit.targetType = target.kind;
    request.audit.targetId = String(target.kind === 'unit' ? (request.params as { code: string }).code : target.id);
    request.audit.details = { commandId: sent.commandId, type: body.type, command: body, devices: sent.devices };
    return sent;
  };
  app.post(
    '/api/v1/devices/:id/commands',
    { config: control, schema: { params: IdParams, body: OperatorCommandSchema } },
    async (request, reply) => {
      reply.status(202);
      return sendTo(request, { kind: 'device', id: request.params.id }, request.body);
    },
  );
  app.post(
    '/api/v1/groups/:id/commands',
    {
      config: {
        access: {
          permission: 'devices.control',
          unit: (r) => opts.groups.unitOf((r.params as { id: number }).id),
        },
      },
      schema: { params: z.object({ id: z.coerce.number().int().positive() }), body: OperatorCommandSchema },
    },
    async (request, reply) => {
      reply.status(202);
      return sendTo(request, { kind: 'group', id: request.params.id }, request.body);
    },
  );
  app.post(
    '/api/v1/units/:code/commands',
    {
      config: {
        access: { permission: 'devices.control', unit: (r) => unitByCode((r.params as { code: string }).code) },
      },
      schema: { params: z.object({ code: UnitCodeSchema }), body: OperatorCommandSchema },
    },
    async (request, reply) => {
      reply.status(202);
      return sendTo(request, { kind: 'unit', id: unitByCode(request.params.code) }, request.body);
    },
  );
  app.get(
    '/api/v1/devices/:id/commands',
    {
      config: { access: { permission: 'devices.read', unit: deviceUnit } },
      schema: {
        params: IdParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: z.coerce.number().int().positive().optional(),
        }),
      },
    },
    async (request) => opts.commands.forDevice(request.params.id, request.query),
  );
};
