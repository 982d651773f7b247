import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { parseRange } from '../monitoring/device-health.routes.js';
import type { UnitsService } from '../units/units.service.js';
import { reportToCsv } from './report-csv.js';
import type { Reports } from './reports.service.js';

const Params = z.object({ code: UnitCodeSchema });
const Range = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .strict();
const DAY = 86_400_000;

/** Per-unit reports for a period (default: the last 7 days), as JSON for the console and as CSV. */
export const reportsRoutes: FastifyPluginAsync<{ reports: Reports; units: UnitsService; clock: () => number }> = async (
  base,
  o,
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitOf = (r: FastifyRequest) => {
    const code = (r.params as { code: string }).code;
    const u = o.units.byCode(code);
    if (!u) throw new AppError('not_found', `unit code ${code} not found`);
    return u.id;
  };
  const access = { permission: 'reports.read', unit: unitOf } as const;

  app.get(
    '/api/v1/reports/units/:code',
    { config: { access }, schema: { params: Params, querystring: Range } },
    async (r) => {
      const { from, to } = parseRange(r.query, o.clock(), 7 * DAY);
      return o.reports.report(unitOf(r), from, to);
    },
  );

  app.get(
    '/api/v1/reports/units/:code/report.csv',
    { config: { access }, schema: { params: Params, querystring: Range } },
    async (r, reply) => {
      const { from, to } = parseRange(r.query, o.clock(), 7 * DAY);
      const report = o.reports.report(unitOf(r), from, to);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="nguon-report-${r.params.code}.csv"`);
      return reportToCsv(report);
    },
  );
};
