import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { ALERT_KINDS } from './alert-rules.js';
import type { AlertEvent, AlertsService } from './alerts.service.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const ListQuery = z
  .object({
    state: z.enum(['open', 'acknowledged', 'resolved', 'active']).optional(),
    kind: z.enum(ALERT_KINDS).optional(),
    unitCode: UnitCodeSchema.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(200),
  })
  .strict();
/** A comment line every 15 s keeps proxies from closing an idle stream and shows the client it is alive. */
const PING_MS = 15_000;

export const alertsRoutes: FastifyPluginAsync<{
  alerts: AlertsService;
  units: UnitsService;
  scopes: ScopeQueries;
}> = async (base, o) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const alertUnit = (r: FastifyRequest) => o.alerts.unitOf((r.params as { id: number }).id);
  const note = (r: FastifyRequest, id: number) => {
    r.audit.targetType = 'alert';
    r.audit.targetId = String(id);
  };

  app.get(
    '/api/v1/alerts',
    { config: { access: { permission: 'devices.read', unit: 'filter' } }, schema: { querystring: ListQuery } },
    async (r) => {
      const q = r.query;
      let unitIds: number[] | undefined;
      if (q.unitCode) {
        const u = o.units.byCode(q.unitCode);
        if (!u) throw new AppError('not_found', `unit code ${q.unitCode} not found`);
        unitIds = o.scopes.subtreeIds(u.id);
      }
      return {
        alerts: o.alerts.list(r.scope, {
          ...q,
          unitIds,
          from: q.from ? Date.parse(q.from) : undefined,
          to: q.to ? Date.parse(q.to) : undefined,
        }),
      };
    },
  );

  app.get(
    '/api/v1/alerts/:id',
    { config: { access: { permission: 'devices.read', unit: alertUnit } }, schema: { params: IdParams } },
    async (r) => ({
      alert: o.alerts.get(r.params.id),
    }),
  );

  app.post(
    '/api/v1/alerts/:id/ack',
    { config: { access: { permission: 'alerts.ack', unit: alertUnit } }, schema: { params: IdParams } },
    async (r) => {
      note(r, r.params.id);
      return { alert: o.alerts.acknowledge(r.params.id, r.user?.id ?? 0) };
    },
  );

  app.post(
    '/api/v1/alerts/:id/resolve',
    { config: { access: { permission: 'alerts.ack', unit: alertUnit } }, schema: { params: IdParams } },
    async (r) => {
      note(r, r.params.id);
      return { alert: o.alerts.resolve(r.params.id, r.user?.id ?? 0) };
    },
  );

  /**
   * Server-sent events: first `snapshot` (the active alerts in the caller's scope), then one `alert` event
   * per change of an alert in scope. Written by hand: text/event-stream is a few lines of framing.
   */
  app.get(
    '/api/v1/alerts/stream',
    { config: { access: { permission: 'devices.read', unit: 'filter' } } },
    async (request, reply) => {
      const scope = request.scope;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let seq = 0;
      const send = (event: string, data: unknown) =>
        res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      res.write('retry: 3000\n\n');
      send('snapshot', { alerts: o.alerts.list(scope, { state: 'active', limit: 1000 }) });
      const onAlert = (e: AlertEvent) => {
        if (o.scopes.inScope(scope, e.alert.unitId)) send('alert', e);
      };
      o.alerts.events.on('alert', onAlert);
      const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
      const done = () => {
        clearInterval(ping);
        o.alerts.events.off('alert', onAlert);
      };
      request.raw.on('close', done);
      res.on('error', done);
    },
  );
};
