import { DeviceIdSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeviceEventsService } from './device-events.service.js';
import type { DevicesService } from './devices.service.js';

/** A receiver's events on record, newest first, a page at a time (`before` = the previous `nextBefore`). */
export const deviceEventsRoutes: FastifyPluginAsync<{ events: DeviceEventsService; devices: DevicesService }> = async (
  base,
  opts,
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const deviceUnit = (r: FastifyRequest) => opts.devices.get((r.params as { id: string }).id).unitId;
  app.get(
    '/api/v1/devices/:id/events',
    {
      config: { access: { permission: 'devices.read', unit: deviceUnit } },
      schema: {
        params: z.object({ id: DeviceIdSchema }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().positive().optional(),
          type: z.string().max(64).optional(),
        }),
      },
    },
    async (request) => opts.events.forDevice(request.params.id, request.query),
  );
};
