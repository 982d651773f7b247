import type { MultipartFile } from '@fastify/multipart';
import { UnitCodeSchema } from '@nguon/schemas';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import { JobSchema } from '../jobs/jobs.schemas.js';
import { abortOnDisconnect, filePart, stageFilePart } from '../media/media.routes.js';
import type { MediaService } from '../media/media.service.js';
import { sendAudio } from '../media/serve-audio.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { ITEM_KINDS, LibraryItemSchema, TITLE } from './library.schemas.js';
import type { LibraryService } from './library.service.js';
import { readableUnit } from './library-access.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const ListQuery = z.object({
  unitCode: UnitCodeSchema.optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
/** Form fields of an upload; they must come before the file part, which ends what is read. */
const UploadFields = z.object({
  unitCode: UnitCodeSchema.optional(),
  title: TITLE.optional(),
  /** 'recording': made in the browser (MediaRecorder) rather than uploaded from a file. */
  kind: z.enum(['upload', 'recording']).default('upload'),
});
const TtsBody = z
  .object({
    text: z.string().trim().min(1).max(20_000),
    title: TITLE,
    voice: z.string().min(1).max(100).optional(),
    speed: z.number().min(0.5).max(2).optional(),
    unitCode: UnitCodeSchema.optional(),
  })
  .strict();
const Accepted = z.object({ job: JobSchema });
const ItemReply = z.object({ item: LibraryItemSchema });

function formFields(part: MultipartFile): z.infer<typeof UploadFields> {
  const raw: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(part.fields)) {
    if (f && !Array.isArray(f) && f.type === 'field') raw[name] = f.value;
  }
  const parsed = UploadFields.safeParse(raw);
  if (!parsed.success) throw new AppError('validation_failed', 'invalid form fields', parsed.error.issues);
  return parsed.data;
}

export const libraryRoutes: FastifyPluginAsync<{
  library: LibraryService;
  media: MediaService;
  units: UnitsService;
  scopes: ScopeQueries;
}> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const unitByCode = (code: string) => {
    const unit = opts.units.byCode(code);
    if (!unit) throw new AppError('not_found', `unit code ${code} not found`);
    return unit.id;
  };
  const itemOf = (r: FastifyRequest) => {
    const item = opts.library.get((r.params as { id: number }).id);
    r.audit.targetType = 'library_item';
    return item;
  };
  /** Reading follows content down the hierarchy (library-access.ts); changing needs the item's own unit. */
  const readable = (r: FastifyRequest) => readableUnit(opts.scopes, r.scope, [itemOf(r).unitId]);
  const owner = (r: FastifyRequest) => itemOf(r).unitId;

  app.post(
    '/api/v1/library',
    {
      // The target unit may come in a form field, which arrives with the body after the access hook:
      // the hook checks the caller's own unit, the handler checks the named one by the same rule.
      config: { access: { permission: 'media.write', unit: (r) => r.user?.unitId } },
      schema: { response: { 200: ItemReply, 201: ItemReply, 202: Accepted } },
    },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new AppError('unauthorized', 'log in first');
      const part = await filePart(request);
      const fields = formFields(part);
      const unitId = fields.unitCode ? unitByCode(fields.unitCode) : user.unitId;
      request.audit.targetUnitId = unitId;
      if (!opts.scopes.inScope(request.scope, unitId))
        throw new AppError('forbidden', 'the target is outside your unit');
      const staged = await stageFilePart(opts.media, part);
      try {
        const outcome = await opts.library.acceptUpload({
          sourcePath: staged.path,
          sizeBytes: staged.sizeBytes,
          originalName: part.filename,
          title: fields.title,
          kind: fields.kind,
          unitId,
          createdBy: user.id,
          signal: abortOnDisconnect(reply),
        });
        if ('job' in outcome) return reply.status(202).send({ job: outcome.job });
        return reply.status(outcome.created ? 201 : 200).send({ item: outcome.item });
      } finally {
        await staged.discard();
      }
    },
  );

  app.post(
    '/api/v1/library/tts',
    {
      config: {
        access: {
          permission: 'media.write',
          unit: (r) => {
            const code = (r.body as { unitCode?: string }).unitCode;
            return code ? unitByCode(code) : r.user?.unitId;
          },
        },
      },
      schema: { body: TtsBody, response: { 202: Accepted } },
    },
    async (request, reply) => {
      const { unitCode, ...rest } = request.body;
      const unitId = unitCode ? unitByCode(unitCode) : request.user!.unitId;
      const job = opts.library.requestTts({ ...rest, unitId, createdBy: request.user?.id ?? null });
      request.audit.details = { title: rest.title, characters: rest.text.length };
      return reply.status(202).send({ job });
    },
  );

  app.get(
    '/api/v1/library',
    {
      config: { access: { permission: 'media.read', unit: 'filter' } },
      schema: { querystring: ListQuery, response: { 200: z.object({ items: z.array(LibraryItemSchema) }) } },
    },
    async (request) => {
      const { unitCode, ...rest } = request.query;
      const unitId = unitCode === undefined ? undefined : opts.units.byCode(unitCode)?.id;
      if (unitCode !== undefined && unitId === undefined) throw notFound(`unit code ${unitCode}`);
      return { items: opts.library.list(request.scope, { ...rest, ...(unitId === undefined ? {} : { unitId }) }) };
    },
  );

  app.get(
    '/api/v1/library/:id',
    {
      config: { access: { permission: 'media.read', unit: readable } },
      schema: { params: IdParams, response: { 200: ItemReply } },
    },
    async (request) => ({ item: opts.library.get(request.params.id) }),
  );

  app.get(
    '/api/v1/library/:id/audio',
    { config: { access: { permission: 'media.read', unit: readable } }, schema: { params: IdParams } },
    async (request, reply) => {
      const stored = await opts.library.locateAudio(request.params.id);
      return sendAudio(request, reply, { path: stored.path, sizeBytes: stored.sizeBytes, sha256: stored.file.sha256 });
    },
  );

  app.delete(
    '/api/v1/library/:id',
    {
      config: { access: { permission: 'media.write', unit: owner } },
      schema: {
        params: IdParams,
        response: { 200: z.object({ deleted: z.literal(true), contentRemoved: z.boolean() }) },
      },
    },
    async (request) => {
      const { contentRemoved } = await opts.library.remove(request.params.id);
      return { deleted: true as const, contentRemoved };
    },
  );
};
