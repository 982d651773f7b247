import { createReadStream } from 'node:fs';
import type { MultipartFile } from '@fastify/multipart';
import { Sha256Schema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import type { ScopeQueries } from '../units/scope.js';
import { contentRange, decideRange, notModified } from './http-range.js';
import { MediaFileSchema } from './media.schemas.js';
import type { MediaService } from './media.service.js';

/** Content-addressed: the bytes behind a sha256 never change, so caches may keep them forever. */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

const Params = z.object({ sha256: Sha256Schema });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const tooLarge = () => new AppError('payload_too_large', 'the file is larger than the upload limit');

/** The first part of a multipart body, which must be the file field `file`. */
async function filePart(request: FastifyRequest): Promise<MultipartFile> {
  let part: MultipartFile | undefined;
  try {
    part = await request.file();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
      throw new AppError('bad_request', 'send the audio as multipart/form-data in a field named "file"');
    }
    throw err;
  }
  if (part?.fieldname !== 'file') {
    throw new AppError('bad_request', 'send the audio as multipart/form-data in a field named "file"');
  }
  return part;
}

/** Aborts when the client goes away before the response is sent, so a long transcode stops with it. */
function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}

export const mediaRoutes: FastifyPluginAsync<{ service: MediaService; scopes: ScopeQueries }> = async (
  base,
  { service, scopes },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  /** The unit that owns a media file; receivers fetch any file they are told to play (sha256 is unguessable). */
  const owner = (r: FastifyRequest) => {
    const sha256 = (r.params as { sha256: string }).sha256;
    const file = service.get(sha256);
    if (!file) throw notFound(`media ${sha256}`);
    return file.unitId;
  };
  const readOne = { access: { permission: 'media.read', unit: owner, device: true } } as const;

  app.post(
    '/api/v1/media',
    {
      config: { access: { permission: 'media.write', unit: (r) => r.user?.unitId } },
      schema: { response: { 201: MediaFileSchema } },
    },
    async (request, reply) => {
      const part = await filePart(request);
      const staged = await service.stage(part.file).catch((err: unknown) => {
        throw (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : err;
      });
      try {
        // busboy ends a file stream early, marked truncated, when it reaches limits.fileSize.
        if (part.file.truncated) throw tooLarge();
        const file = await service.ingest(
          {
            tempPath: staged.path,
            originalName: part.filename,
            unitId: request.user?.unitId ?? null,
            createdBy: request.user?.id ?? null,
          },
          { signal: abortOnDisconnect(reply) },
        );
        return reply.status(201).send(file);
      } finally {
        await staged.discard();
      }
    },
  );

  app.get(
    '/api/v1/media',
    {
      config: { access: { permission: 'media.read', unit: 'filter' } },
      schema: { querystring: ListQuery, response: { 200: z.object({ media: z.array(MediaFileSchema) }) } },
    },
    async (request) => ({
      media: service.list({
        ...request.query,
        ...(request.scope.all ? {} : { unitIds: scopes.subtreeIds(request.scope.unitId) }),
      }),
    }),
  );

  app.get(
    '/api/v1/media/:sha256',
    { config: readOne, schema: { params: Params, response: { 200: MediaFileSchema } } },
    async (request) => {
      const file = service.get(request.params.sha256);
      if (!file) throw notFound(`media ${request.params.sha256}`);
      return file;
    },
  );

  app.get('/api/v1/media/:sha256/file', { config: readOne, schema: { params: Params } }, async (request, reply) => {
    const { sha256 } = request.params;
    const stored = await service.locate(sha256);
    if (!stored) throw notFound(`media ${sha256}`);
    const etag = `"${sha256}"`;
    const size = stored.sizeBytes;
    reply.header('ETag', etag).header('Cache-Control', CACHE_CONTROL).header('Accept-Ranges', 'bytes');
    if (notModified(request.headers['if-none-match'], etag)) return reply.status(304).send();

    const ifRange = request.headers['if-range'];
    const decision = decideRange(request.headers.range, size, {
      header: typeof ifRange === 'string' ? ifRange : undefined,
      etag,
    });
    const range = contentRange(decision, size);
    if (range) reply.header('Content-Range', range);
    // 416 is a protocol answer about this representation, not an API error: no JSON body.
    if (decision.kind === 'unsatisfiable') return reply.status(416).send();

    const [start, end] = decision.kind === 'partial' ? [decision.start, decision.end] : [0, size - 1];
    reply
      .status(decision.kind === 'partial' ? 206 : 200)
      .header('Content-Type', 'audio/mpeg')
      .header('Content-Length', String(end - start + 1));
    return reply.send(createReadStream(stored.path, { start, end }));
  });
};
