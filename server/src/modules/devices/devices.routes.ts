import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import type { DeviceStatusService } from './device-status.service.js';
import type { DevicesService } from './devices.service.js';

const RegisterBody = z
  .object({
    unitCode: UnitCodeSchema,
    name: z.string().trim().min(1).max(120),
    hardwareId: z.string().trim().min(1).max(64).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .strict();
const IdParams = z.object({ id: DeviceIdSchema });

export const devicesRoutes: FastifyPluginAsync<{
  devices: DevicesService;
  status: DeviceStatusService;
  units: UnitsService;
  mqttUrlForDevices: () => string;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitByCode = (code: string) => {
    const unit = opts.units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const deviceUnit = (r: FastifyRequest) => opts.devices.get((r.params as { id: string }).id).unitId;

  app.post(
    '/api/v1/devices',
    {
      config: {
        access: { permission: 'devices.write', unit: (r) => unitByCode((r.body as { unitCode: string }).unitCode) },
      },
      schema: { body: RegisterBody },
    },
    async (request, reply) => {
      const { unitCode, ...rest } = request.body;
      const { device, secret } = opts.devices.register({ ...rest, unitId: unitByCode(unitCode) });
      request.audit.targetType = 'device';
      request.audit.targetId = device.id;
      reply.status(201);
      // The secret is shown this once; only its hash is stored.
      return { device, credentials: { deviceId: device.id, secret, brokerUrl: opts.mqttUrlForDevices() } };
    },
  );

  app.get(
    '/api/v1/devices',
    { config: { access: { permission: 'devices.read', unit: 'filter' } } },
    async (request) => ({
      devices: opts.devices.list(request.scope).map((d) => ({ ...d, status: opts.status.get(d.id) })),
    }),
  );

  app.get(
    '/api/v1/devices/:id',
    { config: { access: { permission: 'devices.read', unit: deviceUnit } }, schema: { params: IdParams } },
    async (request) => {
      const device = opts.devices.get(request.params.id);
      return { device, status: opts.status.get(device.id), areaPath: opts.devices.areaPath(device.id) };
    },
  );
};
