import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE, tokenOf } from '../../plugins/access.js';
import type { AccountsService } from './accounts.service.js';

const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict();
export const NewPassword = z.string().min(10, 'at least 10 characters').max(200);
const self = { access: { self: true } } as const;

/** Logging in and out, one's own password and API tokens. */
export const accountsRoutes: FastifyPluginAsync<{ accounts: AccountsService }> = async (base, { accounts }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/auth/login',
    {
      // Per-address limit on top of the per-account lock-out: guessing across many usernames is slowed too.
      config: { access: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { body: LoginBody },
    },
    async (request, reply) => {
      request.audit = { targetType: 'user', targetId: request.body.username };
      const { token, user, expiresAt } = await accounts.login(request.body.username, request.body.password);
      request.user = user;
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: request.protocol === 'https',
        expires: new Date(expiresAt),
      });
      return { token, user, expiresAt };
    },
  );

  app.post('/api/v1/auth/logout', { config: self }, async (request, reply) => {
    const token = tokenOf(request);
    if (token) accounts.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/v1/auth/me', { config: self }, async (request) => ({ user: request.user }));

  app.post(
    '/api/v1/auth/password',
    { config: self, schema: { body: z.object({ current: z.string().min(1).max(200), next: NewPassword }).strict() } },
    async (request) => {
      const user = request.user!;
      request.audit = { targetType: 'user', targetId: String(user.id), targetUnitId: user.unitId };
      await accounts.changeOwnPassword(user.id, tokenOf(request) ?? '', request.body.current, request.body.next);
      return { ok: true };
    },
  );

  app.get('/api/v1/auth/tokens', { config: self }, async (request) => ({
    tokens: accounts.listApiTokens(request.user!.id),
  }));

  app.post(
    '/api/v1/auth/tokens',
    {
      config: self,
      schema: {
        body: z
          .object({
            name: z.string().trim().min(1).max(100),
            expiresInDays: z.number().int().min(1).max(3650).default(365),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const user = request.user!;
      const created = accounts.createApiToken(user.id, request.body.name, request.body.expiresInDays);
      request.audit = { targetType: 'api_token', targetId: String(created.id), targetUnitId: user.unitId };
      reply.status(201);
      // The token is shown this once; only its hash is stored.
      return created;
    },
  );

  app.delete(
    '/api/v1/auth/tokens/:tokenId',
    { config: self, schema: { params: z.object({ tokenId: z.coerce.number().int().positive() }) } },
    async (request) => {
      const user = request.user!;
      request.audit = { targetType: 'api_token', targetId: String(request.params.tokenId), targetUnitId: user.unitId };
      accounts.revokeApiToken(user.id, request.params.tokenId);
      return { ok: true };
    },
  );
};
