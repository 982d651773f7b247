import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { DesiredStateService } from '../devices/desired-state.service.js';
import { parseUnitCsv, rowsFromJson, UNIT_LEVELS, UnitNameSchema } from './unit-import-rows.js';
import { toTree } from './unit-tree.js';
import type { UnitsService } from './units.service.js';

const CreateUnit = z
  .object({
    code: UnitCodeSchema,
    name: UnitNameSchema,
    level: z.enum(UNIT_LEVELS),
    parentCode: UnitCodeSchema.optional(),
  })
  .strict();

const PatchUnit = z
  .object({ name: UnitNameSchema.optional(), parentCode: UnitCodeSchema.nullable().optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.parentCode !== undefined, 'give a name, a parentCode or both');

/** A CSV file arrives as a raw string (text/csv); JSON as `{units: [...]}`, each item checked by line. */
const ImportBody = z.union([z.string(), z.object({ units: z.array(z.unknown()) }).strict()]);
const CodeParams = z.object({ code: UnitCodeSchema });
const ListQuery = z.object({ tree: z.enum(['0', '1']).optional() });

/** A national list of ~10,000 communes is well under 2 MB; the limit only stops abuse. */
const IMPORT_LIMIT = 5 * 1024 * 1024;

export const unitsRoutes: FastifyPluginAsync<{
  units: UnitsService;
  desired: Pick<DesiredStateService, 'publish'>;
}> = async (base, { units, desired }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Registered inside this (encapsulated) plugin, so only the unit routes accept CSV.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  const unitId = (code: string) => {
    const unit = units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const pathOf = (id: number) => units.ancestors(id).map(({ code, name, level }) => ({ code, name, level }));

  /**
   * Receivers below a moved unit get their new area topics. Not awaited: the agent also gets its desired
   * state whenever it comes online, so a broker outage must not hold the operator's request.
   */
  const republish = (deviceIds: readonly string[], log: FastifyBaseLogger) => {
    for (const id of deviceIds)
      desired.publish(id).catch((err) => log.warn({ err, deviceId: id }, 'desired state not sent after a unit move'));
    return deviceIds.length;
  };

  app.get(
    '/api/v1/units',
    { config: { access: { permission: 'units.read', unit: 'filter' } }, schema: { querystring: ListQuery } },
    async (request) => {
      const list = units.list(request.scope);
      return request.query.tree === '1' ? { units: toTree(list) } : { units: list };
    },
  );

  app.get(
    '/api/v1/units/:code',
    {
      config: { access: { permission: 'units.read', unit: (r) => unitId((r.params as { code: string }).code) } },
      schema: { params: CodeParams },
    },
    async (request) => {
      const unit = units.byCode(request.params.code);
      if (!unit) throw new AppError('not_found', `unit code ${request.params.code} not found`);
      return { unit, path: pathOf(unit.id), childCount: units.childCount(unit.id) };
    },
  );

  const parentOf = (r: FastifyRequest) => {
    const code = (r.body as { parentCode?: string }).parentCode;
    if (!code) return null; // a new root: only an admin's scope holds it
    return unitId(code);
  };

  app.post(
    '/api/v1/units',
    { config: { access: { permission: 'units.write', unit: parentOf } }, schema: { body: CreateUnit } },
    async (request, reply) => {
      const { parentCode, ...rest } = request.body;
      const unit = units.create({ ...rest, parentId: parentCode ? unitId(parentCode) : null });
      request.audit.targetType = 'unit';
      request.audit.targetId = unit.code;
      reply.status(201);
      return { unit };
    },
  );

  // A file has many targets: each row's place is checked against request.scope by the planner, naming its line.
  app.post(
    '/api/v1/units/import',
    {
      config: { access: { permission: 'units.write', unit: 'filter' } },
      bodyLimit: IMPORT_LIMIT,
      schema: { body: ImportBody },
    },
    async (request) => {
      const body = request.body;
      const input = typeof body === 'string' ? parseUnitCsv(body) : rowsFromJson(body.units);
      const { deviceIds, ...counts } = units.importRows(input, request.scope);
      request.audit.targetType = 'unit';
      request.audit.details = { ...counts };
      return { ...counts, devicesNotified: republish(deviceIds, request.log) };
    },
  );

  app.patch(
    '/api/v1/units/:code',
    {
      config: { access: { permission: 'units.write', unit: (r) => unitId((r.params as { code: string }).code) } },
      schema: { params: CodeParams, body: PatchUnit },
    },
    async (request) => {
      const { unit, moved, deviceIds } = units.edit(request.params.code, request.body, request.scope);
      request.audit.targetType = 'unit';
      request.audit.targetId = unit.code;
      request.audit.details = { ...request.body, moved };
      return { unit, path: pathOf(unit.id), moved, devicesNotified: republish(deviceIds, request.log) };
    },
  );
};
