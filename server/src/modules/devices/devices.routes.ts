import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { DeviceLifecycle } from './device-lifecycle.service.js';
import type { DeviceStatusService } from './device-status.service.js';
import type { DevicesService } from './devices.service.js';

const Name = z.string().trim().min(1).max(120);
const HardwareId = z.string().trim().min(1).max(64);
const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);
/** Free labels for filtering and targeting ("chợ", "trường học"); duplicates are dropped. */
const Tags = z
  .array(z.string().trim().min(1).max(32))
  .max(20)
  .transform((tags) => [...new Set(tags)]);

const RegisterBody = z
  .object({
    unitCode: UnitCodeSchema,
    name: Name,
    hardwareId: HardwareId.optional(),
    lat: Lat.optional(),
    lon: Lon.optional(),
    tags: Tags.optional(),
  })
  .strict();
// `null` clears an optional field; an empty patch is refused so a no-op is not audited as a change.
const PatchBody = z
  .object({
    unitCode: UnitCodeSchema.optional(),
    name: Name.optional(),
    hardwareId: HardwareId.nullable().optional(),
    lat: Lat.nullable().optional(),
    lon: Lon.nullable().optional(),
    tags: Tags.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
const IdParams = z.object({ id: DeviceIdSchema });

export const devicesRoutes: FastifyPluginAsync<{
  devices: DevicesService;
  status: DeviceStatusService;
  units: UnitsService;
  scopes: ScopeQueries;
  lifecycle: DeviceLifecycle;
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
      reply.status(201).header('cache-control', 'no-store');
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

  app.patch(
    '/api/v1/devices/:id',
    {
      config: { access: { permission: 'devices.write', unit: deviceUnit } },
      schema: { params: IdParams, body: PatchBody },
    },
    async (request) => {
      const { unitCode, ...rest } = request.body;
      const id = request.params.id;
      request.audit.targetType = 'device';
      request.audit.targetId = id;
      const unitId = unitCode === undefined ? undefined : unitByCode(unitCode);
      // The resolver checked the device's current unit; a move must also land inside the caller's area.
      if (unitId !== undefined && !opts.scopes.inScope(request.scope, unitId))
        throw new AppError('forbidden', `unit ${unitCode} is outside your unit`);
      const { device, moved, leftGroups } = await opts.lifecycle.edit(id, { ...rest, unitId });
      request.audit.details = {
        fields: Object.keys(request.body),
        ...(moved ? { movedTo: unitCode, leftGroups } : {}),
      };
      return { device, areaPath: opts.devices.areaPath(id), leftGroups };
    },
  );

  app.post(
    '/api/v1/devices/:id/credentials',
    { config: { access: { permission: 'devices.write', unit: deviceUnit } }, schema: { params: IdParams } },
    async (request, reply) => {
      const deviceId = request.params.id;
      request.audit.targetType = 'device';
      request.audit.targetId = deviceId;
      const secret = opts.lifecycle.rotate(deviceId);
      reply.header('cache-control', 'no-store');
      // Shown this once, like at registration; only the hash is stored and the audit entry holds neither.
      return { deviceId, secret, brokerUrl: opts.mqttUrlForDevices() };
    },
  );

  app.post(
    '/api/v1/devices/:id/revoke',
    { config: { access: { permission: 'devices.write', unit: deviceUnit } }, schema: { params: IdParams } },
    async (request) => {
      request.audit.targetType = 'device';
      request.audit.targetId = request.params.id;
      return { device: opts.lifecycle.revoke(request.params.id) };
    },
  );
};
