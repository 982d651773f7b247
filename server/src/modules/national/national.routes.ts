import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { tokenOf } from '../../plugins/access.js';
import { PlayLogBatchSchema, ScheduleBatchSchema, StatusBatchSchema } from '../uplink/vocabulary.js';
import { type NationalService, type Province, ProvinceInputSchema, PublishSchema } from './national.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The federated province a national-link call authenticated as (its bearer token). */
    province?: Province;
  }
}

/**
 * National mode (NGUON_NATIONAL_ENABLED): the routes province servers push to and pull from, and the
 * national operator's routes. Province calls are authenticated by the province's own token, not by a
 * user, so their access rule is `public` and this plugin checks the token itself (401 before anything
 * is parsed). With national mode off every route answers 404.
 */
export const nationalRoutes: FastifyPluginAsync<{
  national: NationalService;
  enabled: boolean;
  ratePerMinute: number;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { national } = opts;

  const enabled = async () => {
    if (!opts.enabled) throw new AppError('not_found', 'national mode is off on this server (NGUON_NATIONAL_ENABLED)');
  };
  const provinceAuth = async (request: FastifyRequest) => {
    await enabled();
    const p = national.authenticate(tokenOf(request));
    if (!p) throw new AppError('unauthorized', 'a federated province token is required (Authorization: Bearer …)');
    request.province = p;
    request.audit.targetType = 'province';
    request.audit.targetId = p.code;
  };
  // A flood from one province (or one address without a token) is answered 429, the others unaffected.
  const rateLimit = {
    max: opts.ratePerMinute,
    timeWindow: '1 minute',
    keyGenerator: (r: FastifyRequest) => {
      const t = tokenOf(r);
      return t ? `province:${createHash('sha256').update(t).digest('hex')}` : `ip:${r.ip}`;
    },
  };
  const provinceRoute = { access: { public: true as const }, rateLimit };
  const nationalAdmin = { permission: 'national.manage' as const, unit: () => null };

  /** One upward route: a batch in the national vocabulary, stored by the given ingest. */
  function ingestRoute<S extends z.ZodType<{ DanhSach: unknown[] }>>(
    path: string,
    schema: S,
    ingest: (p: Province, batch: z.infer<S>) => { DaNhan: number; TrungLap: number },
  ) {
    app.post(
      `/api/national/v1/${path}`,
      { config: provinceRoute, onRequest: provinceAuth, schema: { body: schema } },
      async (request) => {
        const batch = request.body as z.infer<S>;
        const reply = ingest(request.province!, batch);
        request.audit.details = { items: batch.DanhSach.length, ...reply };
        return reply;
      },
    );
  }
  ingestRoute('status', StatusBatchSchema, national.ingestStatus);
  ingestRoute('playlogs', PlayLogBatchSchema, national.ingestPlayLogs);
  ingestRoute('schedules', ScheduleBatchSchema, national.ingestSchedules);

  app.get(
    '/api/national/v1/bulletins',
    {
      config: provinceRoute,
      onRequest: provinceAuth,
      schema: { querystring: z.object({ since: z.coerce.number().int().min(0).default(0) }) },
    },
    async (request) => national.pull(request.province!, request.query.since),
  );

  app.get(
    '/api/national/v1/bulletins/:id/audio',
    {
      config: provinceRoute,
      onRequest: provinceAuth,
      schema: { params: z.object({ id: z.string().min(1).max(100) }) },
    },
    async (request, reply) => {
      const located = await national.audio(request.province!, request.params.id);
      reply.type('audio/mpeg').header('content-length', located.sizeBytes);
      return reply.send(createReadStream(located.path));
    },
  );

  app.post(
    '/api/national/v1/bulletins',
    { config: { access: nationalAdmin }, onRequest: enabled, schema: { body: PublishSchema } },
    async (request, reply) => {
      const out = await national.publish(request.body, request.user?.id ?? null);
      request.audit.targetType = 'national_bulletin';
      request.audit.targetId = out.id;
      request.audit.details = {
        provinces: out.provinces,
        priority: request.body.MucDoUuTien,
        title: request.body.TieuDe,
      };
      reply.status(201);
      return out;
    },
  );

  app.get('/api/national/provinces', { config: { access: nationalAdmin }, onRequest: enabled }, async () => ({
    provinces: national.listProvinces(),
  }));

  app.post(
    '/api/national/provinces',
    { config: { access: nationalAdmin }, onRequest: enabled, schema: { body: ProvinceInputSchema } },
    async (request, reply) => {
      const out = national.createProvince(request.body);
      request.audit.targetType = 'province';
      request.audit.targetId = out.province.code;
      request.audit.details = { name: out.province.name };
      reply.status(201);
      // The token is shown once; only its sha256 is stored.
      return out;
    },
  );

  app.get(
    '/api/national/overview',
    { config: { access: { permission: 'national.read', unit: () => null } }, onRequest: enabled },
    async () => ({ provinces: national.overview() }),
  );
};
