import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import type { Webhooks } from './webhooks.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Url = z.url({ protocol: /^https?$/ }).max(2000);
const Name = z.string().trim().min(1).max(120);
const CreateBody = z.object({ unitCode: UnitCodeSchema, name: Name, url: Url }).strict();
const PatchBody = z
  .object({ name: Name.optional(), url: Url.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');

/** Alert webhooks: alerts of a unit's subtree POSTed to a URL, signed (see webhooks.ts). */
export const webhooksRoutes: FastifyPluginAsync<{ webhooks: Webhooks; units: UnitsService }> = async (base, o) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitByCode = (code: string) => {
    const u = o.units.byCode(code);
    if (!u) throw new AppError('not_found', `unit code ${code} not found`);
    return u.id;
  };
  const hookUnit = (r: FastifyRequest) => o.webhooks.unitOf((r.params as { id: number }).id);
  const note = (r: FastifyRequest, id: number, details?: Record<string, unknown>) => {
    r.audit.targetType = 'alert_webhook';
    r.audit.targetId = String(id);
    if (details) r.audit.details = details;
  };

  app.get(
    '/api/v1/alert-webhooks',
    { config: { access: { permission: 'alerts.manage', unit: 'filter' } } },
    async (r) => ({
      webhooks: o.webhooks.list(r.scope),
    }),
  );

  app.post(
    '/api/v1/alert-webhooks',
    {
      config: {
        access: { permission: 'alerts.manage', unit: (r) => unitByCode((r.body as { unitCode: string }).unitCode) },
      },
      schema: { body: CreateBody },
    },
    async (r, reply) => {
      const { webhook, secret } = o.webhooks.create({
        unitId: unitByCode(r.body.unitCode),
        name: r.body.name,
        url: r.body.url,
        createdBy: r.user?.id ?? null,
      });
      note(r, webhook.id, { url: webhook.url });
      reply.status(201).header('cache-control', 'no-store');
      // The signing secret is shown this once.
      return { webhook, secret };
    },
  );

  app.patch(
    '/api/v1/alert-webhooks/:id',
    {
      config: { access: { permission: 'alerts.manage', unit: hookUnit } },
      schema: { params: IdParams, body: PatchBody },
    },
    async (r) => {
      note(r, r.params.id, { fields: Object.keys(r.body) });
      return { webhook: o.webhooks.update(r.params.id, r.body) };
    },
  );

  app.delete(
    '/api/v1/alert-webhooks/:id',
    { config: { access: { permission: 'alerts.manage', unit: hookUnit } }, schema: { params: IdParams } },
    async (r) => {
      note(r, r.params.id);
      o.webhooks.remove(r.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/v1/alert-webhooks/:id/deliveries',
    { config: { access: { permission: 'alerts.manage', unit: hookUnit } }, schema: { params: IdParams } },
    async (r) => ({ deliveries: o.webhooks.deliveries(r.params.id) }),
  );
};
