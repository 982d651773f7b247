import { type Permission, UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import type { BulletinsService } from './bulletins.service.js';
import { BULLETIN_STATES, type Transition } from './workflow.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
// The body is validated by the service's BulletinInputSchema, which knows what an edit may leave out.
const AnyBody = z.record(z.string(), z.unknown());

export const bulletinsRoutes: FastifyPluginAsync<{ bulletins: BulletinsService; units: UnitsService }> = async (
  base,
  { bulletins, units },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const bulletinUnit = (r: FastifyRequest) => bulletins.unitOf((r.params as { id: number }).id);
  const on = (permission: Permission) => ({ access: { permission, unit: bulletinUnit } });
  const note = (r: FastifyRequest, id: number, details?: Record<string, unknown>) => {
    r.audit.targetType = 'bulletin';
    r.audit.targetId = String(id);
    if (details) r.audit.details = details;
  };
  const targetUnit = (r: FastifyRequest) => {
    const code = (r.body as { unitCode?: string }).unitCode;
    if (!code) return r.user?.unitId;
    const unit = units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };

  app.get(
    '/api/v1/bulletins',
    {
      config: { access: { permission: 'bulletins.read', unit: 'filter' } },
      schema: {
        querystring: z.object({
          state: z.enum(BULLETIN_STATES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => ({ bulletins: bulletins.list(request.scope, request.query) }),
  );

  app.get('/api/v1/bulletins/:id', { config: on('bulletins.read'), schema: { params: IdParams } }, async (request) => ({
    bulletin: bulletins.get(request.params.id),
  }));

  app.post(
    '/api/v1/bulletins',
    {
      config: { access: { permission: 'bulletins.write', unit: targetUnit } },
      schema: { body: AnyBody.and(z.object({ unitCode: UnitCodeSchema.optional() })) },
    },
    async (request, reply) => {
      const { unitCode: _u, ...input } = request.body;
      const bulletin = bulletins.create(request.user!, targetUnit(request)!, input);
      note(request, bulletin.id, { version: 1 });
      reply.status(201);
      return { bulletin };
    },
  );

  app.patch(
    '/api/v1/bulletins/:id',
    { config: on('bulletins.write'), schema: { params: IdParams, body: AnyBody } },
    async (request) => {
      const bulletin = bulletins.edit(request.user!, request.params.id, request.body);
      note(request, bulletin.id, { version: bulletin.current.version, newVersion: bulletin.newVersion });
      return { bulletin };
    },
  );

  const transitions: Array<[string, Transition, Permission]> = [
    ['submit', 'submit', 'bulletins.write'],
    ['withdraw', 'withdraw', 'bulletins.write'],
    ['archive', 'archive', 'bulletins.write'],
    ['approve', 'approve', 'bulletins.approve'],
    ['reject', 'reject', 'bulletins.approve'],
    // Emergency content from a province operator goes on air without waiting for a leader; the audit
    // log marks it approvedOnSend so it can be reviewed afterwards.
    ['approve-on-send', 'approveOnSend', 'bulletins.emergency'],
  ];
  for (const [path, t, permission] of transitions) {
    app.post(
      `/api/v1/bulletins/:id/${path}`,
      {
        config: on(permission),
        schema: {
          params: IdParams,
          body: z
            .object({ reason: z.string().trim().max(1000).optional() })
            .strict()
            .nullish(),
        },
      },
      async (request) => {
        const r = bulletins.transition(request.user!, request.params.id, t, request.body?.reason);
        note(request, r.id, {
          transition: t,
          from: r.from,
          to: r.to,
          version: r.version,
          ...(t === 'approveOnSend' ? { approvedOnSend: true } : {}),
        });
        return { bulletin: r };
      },
    );
  }
};
