import { ROLES, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import { NewPassword } from './accounts.routes.js';
import type { UsersService } from './users.service.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Username = z.string().regex(/^[a-z0-9._-]{3,50}$/, '3–50 of a-z 0-9 . _ -');

export const usersRoutes: FastifyPluginAsync<{ users: UsersService; units: UnitsService }> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitId = (code: string) => {
    const u = opts.units.byCode(code);
    if (!u) throw new AppError('not_found', `unit code ${code} not found`);
    return u.id;
  };
  const userUnit = (r: FastifyRequest) => opts.users.unitOf((r.params as { id: number }).id);

  app.get('/api/v1/users', { config: { access: { permission: 'users.read', unit: 'filter' } } }, async (request) => ({
    users: opts.users.list(request.scope),
  }));

  app.get(
    '/api/v1/users/:id',
    { config: { access: { permission: 'users.read', unit: userUnit } }, schema: { params: IdParams } },
    async (request) => ({ user: opts.users.get(request.params.id) }),
  );

  const CreateBody = z
    .object({
      username: Username,
      displayName: z.string().trim().min(1).max(120),
      password: NewPassword,
      role: z.enum(ROLES),
      unitCode: UnitCodeSchema,
    })
    .strict();
  app.post(
    '/api/v1/users',
    {
      config: { access: { permission: 'users.write', unit: (r) => unitId((r.body as { unitCode: string }).unitCode) } },
      schema: { body: CreateBody },
    },
    async (request, reply) => {
      const { unitCode, ...rest } = request.body;
      const user = await opts.users.create(request.user, request.scope, { ...rest, unitId: unitId(unitCode) });
      request.audit.targetType = 'user';
      request.audit.targetId = String(user.id);
      reply.status(201);
      return { user };
    },
  );

  const PatchBody = z
    .object({
      displayName: z.string().trim().min(1).max(120).optional(),
      role: z.enum(ROLES).optional(),
      unitCode: UnitCodeSchema.optional(),
      disabled: z.boolean().optional(),
    })
    .strict();
  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: { permission: 'users.write', unit: userUnit } },
      schema: { params: IdParams, body: PatchBody },
    },
    async (request) => {
      const { unitCode, ...rest } = request.body;
      request.audit.targetType = 'user';
      const patch = { ...rest, unitId: unitCode === undefined ? undefined : unitId(unitCode) };
      return { user: opts.users.update(request.user!, request.scope, request.params.id, patch) };
    },
  );

  app.post(
    '/api/v1/users/:id/password',
    {
      config: { access: { permission: 'users.write', unit: userUnit } },
      schema: { params: IdParams, body: z.object({ password: NewPassword }).strict() },
    },
    async (request) => {
      request.audit.targetType = 'user';
      await opts.users.resetPassword(request.user!, request.scope, request.params.id, request.body.password);
      return { ok: true };
    },
  );
};
