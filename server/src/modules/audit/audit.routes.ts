import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuditService, auditToCsv } from './audit.service.js';

const Query = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    actorUserId: z.coerce.number().int().positive().optional(),
    action: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(200),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const toMs = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export const auditRoutes: FastifyPluginAsync<{ audit: AuditService }> = async (base, { audit }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const access = { permission: 'audit.read', unit: 'filter' } as const;

  app.get('/api/v1/audit', { config: { access }, schema: { querystring: Query } }, async (request) => {
    const q = request.query;
    return { entries: audit.query(request.scope, { ...q, from: toMs(q.from), to: toMs(q.to) }) };
  });

  app.get(
    '/api/v1/audit/export.csv',
    { config: { access }, schema: { querystring: Query } },
    async (request, reply) => {
      const q = request.query;
      const rows = audit.query(request.scope, { ...q, from: toMs(q.from), to: toMs(q.to) });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="nguon-audit.csv"');
      return auditToCsv(rows);
    },
  );
};
