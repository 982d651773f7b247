import { DeviceIdSchema, Sha256Schema, VolumeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DevicesService } from '../devices/devices.service.js';
import type { CommandsService } from './commands.service.js';
import type { PlaybackLogService } from './playback-log.service.js';

const IdParams = z.object({ id: DeviceIdSchema });

export const playbackRoutes: FastifyPluginAsync<{
  commands: CommandsService;
  logs: PlaybackLogService;
  devices: DevicesService;
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

  const commandUnit = (r: FastifyRequest) => {
    const cmd = opts.commands.get((r.params as { id: string }).id);
    return cmd.targetKind === 'device' ? opts.devices.get(cmd.target).unitId : null;
  };
  app.get(
    '/api/v1/commands/:id',
    {
      config: { access: { permission: 'devices.read', unit: commandUnit } },
      schema: { params: z.object({ id: z.string().min(1).max(100) }) },
    },
    async (request) => ({ command: opts.commands.get(request.params.id) }),
  );
};
