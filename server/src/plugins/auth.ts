import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import type { AccountsService, AuthUser } from '../modules/accounts/accounts.service.js';
import type { DevicesService } from '../modules/devices/devices.service.js';

export const SESSION_COOKIE = 'nguon_session';

type PreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    requireUser: PreHandler;
    requireDevice: PreHandler;
    requireUserOrDevice: PreHandler;
    requireRole: (...roles: string[]) => PreHandler;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    device: { id: string; unitId: number } | null;
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
  if (i < 1) return undefined;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/**
 * Who is calling: an operator (session cookie or bearer token) or a receiver (HTTP Basic with its
 * device id and secret, the same credentials as its MQTT login).
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { accounts: AccountsService; devices: DevicesService }) => {
    app.decorateRequest('user', null);
    app.decorateRequest('device', null);

    const tryUser = (request: FastifyRequest) => {
      const token = bearer(request);
      if (token) request.user = opts.accounts.resolveToken(token);
      return request.user;
    };
    const tryDevice = (request: FastifyRequest) => {
      const cred = basic(request);
      const v = cred ? opts.devices.verify(cred.id, cred.secret) : null;
      if (v) request.device = { id: v.device.id, unitId: v.device.unitId };
      return request.device;
    };

    app.decorate('requireUser', async (request: FastifyRequest) => {
      if (!tryUser(request)) throw new AppError('unauthorized', 'log in first');
    });
    app.decorate('requireDevice', async (request: FastifyRequest) => {
      if (!tryDevice(request)) throw new AppError('unauthorized', 'device credentials required');
    });
    app.decorate('requireUserOrDevice', async (request: FastifyRequest) => {
      if (!tryUser(request) && !tryDevice(request))
        throw new AppError('unauthorized', 'log in or use device credentials');
    });
    app.decorate('requireRole', (...roles: string[]) => async (request: FastifyRequest) => {
      const user = tryUser(request);
      if (!user) throw new AppError('unauthorized', 'log in first');
      if (!roles.includes(user.role)) throw new AppError('forbidden', `requires role ${roles.join(' or ')}`);
    });
  },
);
