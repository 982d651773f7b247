import { can, type Permission } from '@nguon/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import type { AccountsService, AuthUser } from '../modules/accounts/accounts.service.js';
import type { DevicesService } from '../modules/devices/devices.service.js';
import type { Scope, ScopeQueries } from '../modules/units/scope.js';

export const SESSION_COOKIE = 'nguon_session';

/** Finds the unit a request acts on (e.g. the device's unit). Throws not_found for a missing target. */
export type UnitResolver = (request: FastifyRequest) => number | null | undefined;

/**
 * Every route declares one of these in `config.access`; a route without one stops the server at start.
 * - public: anyone (login, health);
 * - self: any logged-in user, acting on their own account;
 * - permission + unit: the caller's role must hold the permission, and the target unit (found by the
 *   resolver) must lie in the caller's subtree. `unit: 'filter'` is for lists: the handler filters by
 *   `request.scope`. `device: true` also admits a receiver with its own credentials.
 * - credentials: the route authenticates its caller itself, with credentials that are not a user's
 *   (a CAP sender's token, modules/cap); a user's session or token admits nothing there.
 */
export type Access =
  | { public: true }
  | { self: true }
  | { credentials: 'cap-sender' }
  | { permission: Permission; unit: UnitResolver | 'filter'; device?: boolean };

export interface AuditNote {
  targetType?: string;
  targetId?: string;
  targetUnitId?: number | null;
  details?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    device: { id: string; unitId: number } | null;
    /** The caller's scope, set for permission routes. */
    scope: Scope;
    /** What the audit log should say this request acted on. */
    audit: AuditNote;
    /** Code of the error answered, for the audit log. */
    errorCode: string | null;
  }
  interface FastifyInstance {
    /** Every route and its access rule, for the permission-matrix test. */
    routeAccess: Array<{ method: string; url: string; access: Access }>;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE];
}

function basic(request: FastifyRequest): { id: string; secret: string } | undefined {
  const h = request.headers.authorization;
  if (!h?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 1 ? undefined : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export function tokenOf(request: FastifyRequest): string | undefined {
  return bearer(request);
}

export const accessPlugin = fp(
  async (app: FastifyInstance, opts: { accounts: AccountsService; devices: DevicesService; scopes: ScopeQueries }) => {
    app.decorateRequest('user', null);
    app.decorateRequest('device', null);
    app.decorateRequest('scope', null as unknown as Scope);
    app.decorateRequest('audit', null as unknown as AuditNote);
    app.decorateRequest('errorCode', null);
    app.decorate('routeAccess', []);

    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (!access) throw new Error(`route ${route.method} ${route.url} declares no access rule (config.access)`);
      for (const method of [route.method].flat()) app.routeAccess.push({ method, url: route.url, access });
    });

    // Who is calling: 401 before anything else is looked at.
    app.addHook('onRequest', async (request) => {
      request.audit = {};
      const access = request.routeOptions.config.access;
      if (!access || 'public' in access || 'credentials' in access) return;
      const token = bearer(request);
      if (token) request.user = opts.accounts.resolveToken(token);
      if (!request.user && 'permission' in access && access.device) {
        const cred = basic(request);
        const v = cred ? opts.devices.verify(cred.id, cred.secret) : null;
        if (v) request.device = { id: v.device.id, unitId: v.device.unitId };
      }
      if (!request.user && !request.device)
        throw new AppError('unauthorized', 'log in first (session cookie or bearer token)');
      // The role needs no body: refuse before validation, so a caller without the right learns nothing more.
      const user = request.user;
      if (user && 'permission' in access) {
        if (!can(user.role, access.permission))
          throw new AppError('forbidden', `your role (${user.role}) may not do this (${access.permission})`);
        request.scope = { all: user.role === 'admin', unitId: user.unitId };
      }
    });

    // Where they may do it: the target's unit must lie in the caller's subtree. Runs after validation,
    // so resolvers see a parsed request.
    app.addHook('preHandler', async (request) => {
      const access = request.routeOptions.config.access;
      if (!access || !('permission' in access)) return;
      if (!request.user) return; // a device, admitted by onRequest for device routes only
      if (access.unit === 'filter') return;
      const target = access.unit(request);
      request.audit.targetUnitId = target ?? null;
      if (!opts.scopes.inScope(request.scope, target))
        throw new AppError('forbidden', 'the target is outside your unit');
    });
  },
);
