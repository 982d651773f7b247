/**
 * CAP ingest over HTTP: agencies post CAP 1.2 XML with their sender token; operators with cap.manage
 * register and revoke senders; operators read the alerts received within their scope.
 */
import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { UnitsService } from '../units/units.service.js';
import type { CapSenderRow } from './cap.repository.js';
import { alertView, type CapService } from './cap.service.js';
import type { CapSenders } from './cap-senders.js';

export const CAP_CONTENT_TYPES = ['application/cap+xml', 'application/xml', 'text/xml'];

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const AlertParams = z.object({ id: z.uuid() });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const SenderBody = z
  .object({
    sender: z.string().trim().min(1).max(255),
    name: z.string().trim().min(1).max(200),
    unitCode: UnitCodeSchema,
    certificate: z.string().max(20_000).nullish(),
  })
  .strict();

function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() || undefined : undefined;
}

export const capRoutes: FastifyPluginAsync<{
  cap: CapService;
  senders: CapSenders;
  units: UnitsService;
  maxXmlBytes: number;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Scoped to this plugin: only the CAP routes take XML.
  app.addContentTypeParser(CAP_CONTENT_TYPES, { parseAs: 'string', bodyLimit: opts.maxXmlBytes }, (_r, body, done) =>
    done(null, body),
  );
  const unitByCode = (code: string) => {
    const unit = opts.units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const senderOf = new WeakMap<FastifyRequest, CapSenderRow>();

  app.post(
    '/api/v1/cap/alerts',
    {
      // Generous for an agency's feed, tight enough that a leaked token cannot flood the server.
      config: { access: { credentials: 'cap-sender' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      // Before the body is read: an unknown caller never reaches the XML parser.
      onRequest: async (request) => {
        const token = bearerToken(request);
        if (!token) throw new AppError('unauthorized', 'send the CAP sender token as "Authorization: Bearer <token>"');
        const sender = opts.senders.authenticate(token);
        if (!sender) throw new AppError('unauthorized', 'unknown or revoked CAP sender token');
        senderOf.set(request, sender);
        request.audit.targetType = 'cap_alert';
        request.audit.targetUnitId = sender.unitId;
        request.audit.details = { capSender: sender.sender };
      },
    },
    async (request, reply) => {
      const sender = senderOf.get(request);
      if (!sender) throw new AppError('unauthorized', 'unknown CAP sender');
      if (typeof request.body !== 'string')
        throw new AppError('unsupported_media', `send the CAP XML as ${CAP_CONTENT_TYPES.join(' or ')}`);
      const { alert, duplicate } = await opts.cap.receive(request.body, sender);
      request.audit.targetId = alert.id;
      request.audit.details = {
        capSender: sender.sender,
        identifier: alert.identifier,
        outcome: alert.outcome,
        emergencyId: alert.emergencyId,
        duplicate,
      };
      return reply.status(duplicate ? 200 : 201).send({ alert: alertView(alert), duplicate });
    },
  );

  app.get(
    '/api/v1/cap/alerts',
    { config: { access: { permission: 'cap.read', unit: 'filter' } }, schema: { querystring: ListQuery } },
    async (request) => ({ alerts: opts.cap.list(request.scope, request.query.limit, request.query.offset) }),
  );

  app.get(
    '/api/v1/cap/alerts/:id',
    {
      config: {
        access: { permission: 'cap.read', unit: (r) => opts.cap.get((r.params as { id: string }).id).unitId },
      },
      schema: { params: AlertParams },
    },
    async (request) => ({ alert: opts.cap.get(request.params.id) }),
  );

  app.post(
    '/api/v1/cap/senders',
    {
      config: {
        access: { permission: 'cap.manage', unit: (r) => unitByCode((r.body as { unitCode: string }).unitCode) },
      },
      schema: { body: SenderBody },
    },
    async (request, reply) => {
      const { unitCode, ...rest } = request.body;
      const created = opts.senders.create({ ...rest, unitId: unitByCode(unitCode) }, request.user?.id ?? null);
      request.audit.targetType = 'cap_sender';
      request.audit.targetId = String(created.sender.id);
      request.audit.details = { sender: created.sender.sender, hasCertificate: created.sender.hasCertificate };
      // The token is shown this once; only its sha256 is stored.
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/cap/senders',
    { config: { access: { permission: 'cap.manage', unit: 'filter' } } },
    async (request) => ({
      senders: opts.senders.list(request.scope),
    }),
  );

  app.post(
    '/api/v1/cap/senders/:id/revoke',
    {
      config: {
        access: { permission: 'cap.manage', unit: (r) => opts.senders.get((r.params as { id: number }).id).unitId },
      },
      schema: { params: IdParams },
    },
    async (request) => {
      request.audit.targetType = 'cap_sender';
      return { sender: opts.senders.revoke(request.params.id) };
    },
  );
};
