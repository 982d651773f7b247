import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditService } from '../modules/audit/audit.service.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function actionOf(request: FastifyRequest): string {
  const access = request.routeOptions.config.access;
  const route = `${request.method} ${request.routeOptions.url}`;
  if (!access) return route;
  if ('permission' in access) return `${access.permission}: ${route}`;
  return route;
}

function outcomeOf(status: number): string {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  return 'failed';
}

/**
 * Every mutating request (and any route that asks for it) lands in the audit log after it is answered:
 * who (user or device, role, unit), what (permission and route), target, outcome, source address.
 * Denied attempts and failed logins are recorded like the rest.
 */
export const auditHook = fp(async (app: FastifyInstance, opts: { audit: AuditService; clock: () => number }) => {
  app.addHook('onResponse', async (request, reply) => {
    if (READS.has(request.method) && !request.audit?.details?.audited) return;
    if (!request.routeOptions.url) return; // unknown route: nothing was acted on
    const u = request.user;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const note = request.audit ?? {};
    const { audited: _a, ...details } = note.details ?? {};
    try {
      opts.audit.record({
        at: opts.clock(),
        actorUserId: u?.id ?? null,
        actorName: u?.username ?? null,
        actorRole: u?.role ?? null,
        actorUnitId: u?.unitId ?? request.device?.unitId ?? null,
        actorDeviceId: request.device?.id ?? null,
        action: actionOf(request),
        method: request.method,
        route: request.routeOptions.url,
        targetType: note.targetType ?? null,
        targetId: note.targetId ?? (params.id !== undefined ? String(params.id) : null),
        targetUnitId: note.targetUnitId ?? null,
        outcome: outcomeOf(reply.statusCode),
        statusCode: reply.statusCode,
        errorCode: request.errorCode,
        sourceIp: request.ip,
        requestId: request.id,
        details: Object.keys(details).length ? details : null,
      });
    } catch (err) {
      request.log.error({ err }, 'audit entry not written');
    }
  });
});
