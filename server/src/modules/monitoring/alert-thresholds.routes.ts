import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import { type AlertThresholdsService, ThresholdFieldsSchema } from './alert-thresholds.js';

const Params = z.object({ code: UnitCodeSchema });

/**
 * A unit's alert thresholds (issue 8): GET shows its own settings, what is in force and where each value
 * comes from; PUT replaces its own settings (null or absent: inherit); DELETE inherits everything again.
 */
export const alertThresholdsRoutes: FastifyPluginAsync<{
  thresholds: AlertThresholdsService;
  units: UnitsService;
}> = async (base, o) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitOf = (r: FastifyRequest) => {
    const code = (r.params as { code: string }).code;
    const u = o.units.byCode(code);
    // Named here, before access is decided, so a refused attempt is audited against its target too.
    r.audit.targetType = 'unit';
    r.audit.targetId = code;
    if (!u) throw new AppError('not_found', `unit code ${code} not found`);
    return u.id;
  };
  const note = (r: FastifyRequest, details: Record<string, unknown>) => {
    r.audit.details = details;
  };

  app.get(
    '/api/v1/units/:code/alert-thresholds',
    { config: { access: { permission: 'devices.read', unit: unitOf } }, schema: { params: Params } },
    async (r) => ({ thresholds: o.thresholds.view(unitOf(r)) }),
  );

  app.put(
    '/api/v1/units/:code/alert-thresholds',
    {
      config: { access: { permission: 'alerts.thresholds', unit: unitOf } },
      schema: { params: Params, body: ThresholdFieldsSchema },
    },
    async (r) => {
      const before = o.thresholds.view(unitOf(r)).own;
      const view = o.thresholds.set(unitOf(r), r.body, r.user?.id ?? null);
      note(r, { before, after: view.own });
      return { thresholds: view };
    },
  );

  app.delete(
    '/api/v1/units/:code/alert-thresholds',
    { config: { access: { permission: 'alerts.thresholds', unit: unitOf } }, schema: { params: Params } },
    async (r) => {
      const before = o.thresholds.view(unitOf(r)).own;
      const view = o.thresholds.set(unitOf(r), {}, r.user?.id ?? null);
      note(r, { before, after: view.own });
      return { thresholds: view };
    },
  );
};
