import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync } from 'fastify';
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

  app.get('/api/v1/units', { preHandler: app.requireUser }, async () => ({ units: units.list() }));

  app.post(
    '/api/v1/units',
    { preHandler: app.requireRole('admin'), schema: { body: CreateUnit } },
    async (req, reply) => {
      const { parentCode, ...rest } = req.body;
      const parent = parentCode ? units.byCode(parentCode) : undefined;
      if (parentCode && !parent) throw new AppError('not_found', `parent unit code ${parentCode} not found`);
      reply.status(201);
      return { unit: units.create({ ...rest, parentId: parent?.id ?? null }) };
    },
  );
};
