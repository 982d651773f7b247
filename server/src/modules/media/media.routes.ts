import type { MultipartFile } from '@fastify/multipart';
import { Sha256Schema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import { readableUnit } from '../library/library-access.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import { MediaFileSchema } from './media.schemas.js';
import type { MediaService } from './media.service.js';
import { sendAudio } from './serve-audio.js';

const Params = z.object({ sha256: Sha256Schema });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const tooLarge = () => new AppError('payload_too_large', 'the file is larger than the upload limit');

/** What these routes need of the media library: who holds a file, and the library's upload path. */
export interface MediaCatalog {
  uploadNow(u: {
    sourcePath: string;
    sizeBytes: number;
    originalName: string;
    kind: 'upload';
    unitId: number;
    createdBy: number | null;
    signal?: AbortSignal;
  }): Promise<z.infer<typeof MediaFileSchema>>;
  unitsHolding(sha256: string): number[];
  listMedia(scope: Scope, o: { limit: number; offset: number }): Array<z.infer<typeof MediaFileSchema>>;
}

/** The first part of a multipart body, which must be the file field `file`. */
export async function filePart(request: FastifyRequest): Promise<MultipartFile> {
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

/** Stages the file part; a file over the upload limit is 413 with nothing left behind. */
export async function stageFilePart(service: MediaService, part: MultipartFile) {
  const staged = await service.stage(part.file).catch((err: unknown) => {
    throw (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : err;
  });
  // busboy ends a file stream early, marked truncated, when it reaches limits.fileSize.
  if (part.file.truncated) {
    await staged.discard();
    throw tooLarge();
  }
  return staged;
}

/** Aborts when the client goes away before the response is sent, so a long transcode stops with it. */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}

export const mediaRoutes: FastifyPluginAsync<{
  service: MediaService;
  catalog: MediaCatalog;
  scopes: ScopeQueries;
}> = async (base, { service, catalog, scopes }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  /**
   * Reads are judged by the libraries holding the file (see library-access.ts); receivers fetch any
   * file they are told to play (sha256 is unguessable) and never reach this resolver.
   */
  const holder = (r: FastifyRequest) => {
    const sha256 = (r.params as { sha256: string }).sha256;
    if (!service.get(sha256)) throw notFound(`media ${sha256}`);
    return readableUnit(scopes, r.scope, catalog.unitsHolding(sha256));
  };
  const readOne = { access: { permission: 'media.read', unit: holder, device: true } } as const;

  app.post(
    '/api/v1/media',
    {
      config: { access: { permission: 'media.write', unit: (r) => r.user?.unitId } },
      schema: { response: { 201: MediaFileSchema } },
    },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new AppError('unauthorized', 'log in first');
      const part = await filePart(request);
      const staged = await stageFilePart(service, part);
      try {
        const file = await catalog.uploadNow({
          sourcePath: staged.path,
          sizeBytes: staged.sizeBytes,
          originalName: part.filename,
          kind: 'upload',
          unitId: user.unitId,
          createdBy: user.id,
          signal: abortOnDisconnect(reply),
        });
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
    async (request) => ({ media: catalog.listMedia(request.scope, request.query) }),
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
    return sendAudio(request, reply, { path: stored.path, sizeBytes: stored.sizeBytes, sha256 });
  });
};
