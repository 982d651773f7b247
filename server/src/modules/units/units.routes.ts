import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from './units.service.js';

const CreateUnit = z
  .object({
    code: UnitCodeSchema,
    name: z.string().trim().min(1).max(200),
    level: z.enum(['national', 'province', 'district', 'commune']),
    parentCode: UnitCodeSchema.optional(),
  })
  .strict();

export const unitsRoutes: FastifyPluginAsync<{ units: UnitsService }> = async (base, { units }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/v1/units', { config: { access: { permission: 'units.read', unit: 'filter' } } }, async (request) => ({
    units: units.list(request.scope),
  }));

  const parentOf = (r: FastifyRequest) => {
    const code = (r.body as { parentCode?: string }).parentCode;
    if (!code) return null; // a new root: only an admin's scope holds it
    const parent = units.byCode(code);
    if (!parent) throw new AppError('not_found', `parent unit code ${code} not found`);
    return parent.id;
  };

  app.post(
    '/api/v1/units',
    { config: { access: { permission: 'units.write', unit: parentOf } }, schema: { body: CreateUnit } },
    async (request, reply) => {
      const { parentCode, ...rest } = request.body;
      const unit = units.create({ ...rest, parentId: parentCode ? (units.byCode(parentCode)?.id ?? null) : null });
      request.audit.targetType = 'unit';
      request.audit.targetId = unit.code;
      reply.status(201);
      return { unit };
    },
  );
};
