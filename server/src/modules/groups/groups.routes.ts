import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import type { GroupsService } from './groups.service.js';

const Name = z.string().trim().min(1).max(120);
const DeviceIds = z.array(DeviceIdSchema).max(1000);
const IdParams = z.object({ id: z.coerce.number().int().positive() });

const CreateBody = z.object({ unitCode: UnitCodeSchema, name: Name, deviceIds: DeviceIds.optional() }).strict();
const PatchBody = z
  .object({ name: Name.optional(), add: DeviceIds.optional(), remove: DeviceIds.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.add?.length || b.remove?.length, 'give a name, add or remove')
  .refine((b) => !b.add?.some((id) => b.remove?.includes(id)), {
    message: 'a device cannot be both added and removed',
    path: ['add'],
  });

/** Device groups (zones): named sets of receivers inside one unit, targeted as one. */
export const groupsRoutes: FastifyPluginAsync<{ groups: GroupsService; units: UnitsService }> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitByCode = (code: string) => {
    const unit = opts.units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const groupUnit = (r: FastifyRequest) => opts.groups.unitOf((r.params as { id: number }).id);
  const note = (request: FastifyRequest, id: number) => {
    request.audit.targetType = 'group';
    request.audit.targetId = String(id);
  };

  app.post(
    '/api/v1/groups',
    {
      config: {
        access: { permission: 'groups.write', unit: (r) => unitByCode((r.body as { unitCode: string }).unitCode) },
      },
      schema: { body: CreateBody },
    },
    async (request, reply) => {
      const { unitCode, ...rest } = request.body;
      const group = opts.groups.create({ ...rest, unitId: unitByCode(unitCode) });
      note(request, group.id);
      request.audit.details = { name: group.name, deviceIds: rest.deviceIds ?? [] };
      reply.status(201);
      return { group, members: opts.groups.members(group.id) };
    },
  );

  app.get(
    '/api/v1/groups',
    { config: { access: { permission: 'devices.read', unit: 'filter' } } },
    async (request) => ({
      groups: opts.groups.list(request.scope),
    }),
  );

  app.get(
    '/api/v1/groups/:id',
    { config: { access: { permission: 'devices.read', unit: groupUnit } }, schema: { params: IdParams } },
    async (request) => ({
      group: opts.groups.get(request.params.id),
      members: opts.groups.members(request.params.id),
    }),
  );

  app.patch(
    '/api/v1/groups/:id',
    {
      config: { access: { permission: 'groups.write', unit: groupUnit } },
      schema: { params: IdParams, body: PatchBody },
    },
    async (request) => {
      note(request, request.params.id);
      request.audit.details = { ...request.body };
      const group = opts.groups.update(request.params.id, request.body);
      return { group, members: opts.groups.members(group.id) };
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    { config: { access: { permission: 'groups.write', unit: groupUnit } }, schema: { params: IdParams } },
    async (request, reply) => {
      note(request, request.params.id);
      const group = opts.groups.delete(request.params.id);
      request.audit.details = { name: group.name, unitId: group.unitId };
      return reply.status(204).send();
    },
  );
};
