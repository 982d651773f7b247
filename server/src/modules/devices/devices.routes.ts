import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync } from 'fastify';
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
  const admin = app.requireRole('admin');

  app.post('/api/v1/devices', { preHandler: admin, schema: { body: RegisterBody } }, async (request, reply) => {
    const { unitCode, ...rest } = request.body;
    const unit = opts.units.byCode(unitCode);
    if (!unit) throw new AppError('not_found', `unit code ${unitCode} not found`);
    const { device, secret } = opts.devices.register({ ...rest, unitId: unit.id });
    reply.status(201);
    // The secret is shown this once; only its hash is stored.
    return { device, credentials: { deviceId: device.id, secret, brokerUrl: opts.mqttUrlForDevices() } };
  });

  app.get('/api/v1/devices', { preHandler: app.requireUser }, async () => ({
    devices: opts.devices.list().map((d) => ({ ...d, status: opts.status.get(d.id) })),
  }));

  app.get('/api/v1/devices/:id', { preHandler: app.requireUser, schema: { params: IdParams } }, async (request) => {
    const device = opts.devices.get(request.params.id);
    return { device, status: opts.status.get(device.id), areaPath: opts.devices.areaPath(device.id) };
  });
};
