import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../plugins/auth.js';
import type { AccountsService } from './accounts.service.js';

const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

export const accountsRoutes: FastifyPluginAsync<{ accounts: AccountsService }> = async (base, { accounts }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post('/api/v1/auth/login', { schema: { body: LoginBody } }, async (request, reply) => {
    const { token, user, expiresAt } = await accounts.login(request.body.username, request.body.password);
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: request.protocol === 'https',
      expires: new Date(expiresAt),
    });
    return { token, user, expiresAt };
  });

  app.post('/api/v1/auth/logout', { preHandler: app.requireUser }, async (request, reply) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : request.cookies[SESSION_COOKIE];
    if (token) accounts.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/v1/auth/me', { preHandler: app.requireUser }, async (request) => ({ user: request.user }));
};
