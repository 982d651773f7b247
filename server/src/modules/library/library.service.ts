/**
 * Each unit's media library (issue 4, item 5). Uploads are checked at the door — probed, decoded once,
 * measured, held against the unit's quota — so a bad file gets its 4xx while the operator waits; the
 * slow encode then runs as a job, and the item appears when it succeeds. Content is shared: units with
 * the same audio have an item each and one file between them.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { AppError, notFound } from '../../errors.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { Job } from '../jobs/jobs.schemas.js';
import type { Prepared } from '../media/broadcast-pipeline.js';
import type { MediaFile } from '../media/media.schemas.js';
import type { MediaService } from '../media/media.service.js';
import { cleanOriginalName } from '../media/media.service.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import { bulletinReferenceCheck, type ContentReferences, createContentReferences } from './content-references.js';
import { createLibraryRepository } from './library.repository.js';
import type { ItemKind, LibraryItem } from './library.schemas.js';
import { newPcmFile, type TtsSynthesizer, transcodeHandler, ttsHandler } from './library-jobs.js';
import { checkQuota, estimatedBytes } from './quota.js';

export interface UploadRequest {
  /** The staged upload; the caller deletes it afterwards. */
  sourcePath: string;
  sizeBytes: number;
  originalName: string;
  title?: string | undefined;
  kind: Exclude<ItemKind, 'tts'>;
  unitId: number;
  createdBy: number | null;
  signal?: AbortSignal | undefined;
}

/** A new job, or (when the content was already here) the unit's item at once. */
export type UploadOutcome = { job: Job } | { item: LibraryItem; created: boolean };

export interface LibraryServiceDeps {
  db: Db;
  media: MediaService;
  jobs: JobRunner;
  scopes: ScopeQueries;
  dataDir: string;
  config: { unitQuotaBytes: number };
  tts?: TtsSynthesizer | undefined;
  clock: () => number;
  log: Logger;
}

/** Vietnamese read aloud runs at about 12–15 characters a second; the lower figure over-reserves quota. */
const TTS_CHARS_PER_SECOND = 12;
const MB = 1024 * 1024;

const titleFrom = (name: string) => name.replace(/\.[^.]{1,8}$/, '').trim() || name;

export type LibraryService = ReturnType<typeof createLibraryService>;

export function createLibraryService(deps: LibraryServiceDeps) {
  const { media, jobs, scopes, log } = deps;
  const repo = createLibraryRepository(deps.db);
  const inputsDir = path.join(deps.dataDir, 'jobs', 'inputs');
  const references: ContentReferences = createContentReferences();
  references.addReferenceCheck('bulletins', bulletinReferenceCheck(deps.db));
  const jobDeps = { media, repo, inputsDir, tts: deps.tts };
  jobs.register('transcode', transcodeHandler(jobDeps));
  jobs.register('tts', ttsHandler(jobDeps));

  const usage = (unitId: number) => {
    const pendingBytes = jobs
      .pending()
      .filter((j) => j.unitId === unitId)
      .reduce((sum, j) => sum + Number((j.input as { estimatedBytes?: number }).estimatedBytes ?? 0), 0);
    const { name, quotaMb } = repo.unitQuota(unitId);
    const limitBytes = quotaMb !== null ? quotaMb * MB : deps.config.unitQuotaBytes;
    return { name, usage: { usedBytes: repo.usedBytes(unitId), pendingBytes, limitBytes } };
  };
  const checkUnitQuota = (unitId: number, neededBytes: number) => {
    const u = usage(unitId);
    checkQuota(u.usage, neededBytes, u.name);
  };

  /** Content already stored: the unit's existing item, or a new one if the quota allows. */
  const adopt = (u: UploadRequest, file: MediaFile) => {
    const existing = repo.find(u.unitId, file.sha256);
    if (existing) return { item: existing, created: false };
    checkUnitQuota(u.unitId, file.sizeBytes);
    const title = u.title ?? titleFrom(cleanOriginalName(u.originalName));
    const fields = { sha256: file.sha256, title, kind: u.kind, originalName: cleanOriginalName(u.originalName) };
    return repo.ensure({ ...fields, unitId: u.unitId, createdBy: u.createdBy });
  };

  /** Hash, probe, decode and check; `known` when these exact bytes were transcoded before. */
  async function admit(u: UploadRequest): Promise<{ known: MediaFile } | { prepared: Prepared; pcmFile: string }> {
    if (u.sizeBytes === 0) throw new AppError('unprocessable', 'the file is empty');
    const sourceSha256 = await media.hash(u.sourcePath);
    const known = await media.findBySource(sourceSha256);
    if (known) return { known };
    checkUnitQuota(u.unitId, 0);
    await mkdir(inputsDir, { recursive: true });
    const pcmFile = newPcmFile();
    const input = {
      sourcePath: u.sourcePath,
      originalName: cleanOriginalName(u.originalName),
      pcmPath: path.join(inputsDir, pcmFile),
      sourceSha256,
    };
    const prepared = await media.prepare(input, { signal: u.signal, priority: 'interactive' });
    return { prepared, pcmFile };
  }

  /** Sweeps intermediates that no unfinished job owns: left by a crash between decode and enqueue. */
  async function sweepInputs() {
    const owned = new Set(jobs.pending().map((j) => (j.input as { pcmFile?: string }).pcmFile));
    const names = await readdir(inputsDir).catch(() => [] as string[]);
    const orphans = names.filter((n) => n.endsWith('.pcm') && !owned.has(n));
    await Promise.all(orphans.map((n) => rm(path.join(inputsDir, n), { force: true })));
    if (orphans.length > 0) log.info({ removed: orphans.length }, 'removed job inputs no job owns');
  }

  return {
    references,
    sweepInputs,

    /** 202 path: the encode is queued as a job; content already stored becomes an item at once. */
    async acceptUpload(u: UploadRequest): Promise<UploadOutcome> {
      const admitted = await admit(u);
      if ('known' in admitted) return adopt(u, admitted.known);
      const { prepared, pcmFile } = admitted;
      const { pcmPath: _, ...rest } = prepared;
      const needed = estimatedBytes(prepared.durationMs, media.profile.bitrateK);
      try {
        // Check and enqueue in one synchronous step, so two uploads cannot both fit the last space.
        checkUnitQuota(u.unitId, needed);
        const title = u.title ?? titleFrom(prepared.originalName);
        const input = { title, kind: u.kind, pcmFile, prepared: rest, estimatedBytes: needed };
        return { job: jobs.enqueue({ kind: 'transcode', input, unitId: u.unitId, createdBy: u.createdBy }) };
      } catch (err) {
        await rm(prepared.pcmPath, { force: true });
        throw err;
      }
    },

    /** The synchronous upload of /api/v1/media: the same checks, the encode while the client waits. */
    async uploadNow(u: UploadRequest): Promise<MediaFile> {
      const admitted = await admit(u);
      if ('known' in admitted) {
        adopt(u, admitted.known);
        return admitted.known;
      }
      const { prepared } = admitted;
      try {
        checkUnitQuota(u.unitId, estimatedBytes(prepared.durationMs, media.profile.bitrateK));
        const meta = { unitId: u.unitId, createdBy: u.createdBy };
        const file = await media.finish(prepared, meta, { signal: u.signal, priority: 'interactive' });
        adopt(u, file);
        return file;
      } finally {
        await rm(prepared.pcmPath, { force: true });
      }
    },

    requestTts(r: {
      text: string;
      title: string;
      voice?: string | undefined;
      speed?: number | undefined;
      unitId: number;
      createdBy: number | null;
    }): Job {
      if (!deps.tts) throw new AppError('unavailable', 'text-to-speech is not available on this server');
      // Refuse unreadable text before anything is queued, so the operator sees why at once.
      deps.tts.normalize(r.text);
      const needed = estimatedBytes((r.text.length / TTS_CHARS_PER_SECOND) * 1000, media.profile.bitrateK);
      checkUnitQuota(r.unitId, needed);
      const { unitId, createdBy, ...input } = r;
      return jobs.enqueue({ kind: 'tts', input: { ...input, estimatedBytes: needed }, unitId, createdBy });
    },

    list(scope: Scope, o: { kind?: ItemKind; unitId?: number; limit: number; offset: number }): LibraryItem[] {
      const visible = scope.all ? undefined : scopes.subtreeIds(scope.unitId);
      const unitIds = o.unitId === undefined ? visible : (visible ?? [o.unitId]).filter((id) => id === o.unitId);
      return repo.list({ ...o, ...(unitIds ? { unitIds } : {}) });
    },

    get(id: number): LibraryItem {
      const item = repo.get(id);
      if (!item) throw notFound(`library item ${id}`);
      return item;
    },

    /** Soft delete; the file goes only when no item and no other reference (bulletins…) needs it. */
    async remove(id: number): Promise<{ contentRemoved: boolean }> {
      const item = repo.get(id);
      if (!item || !repo.softDelete(id, deps.clock())) throw notFound(`library item ${id}`);
      if (repo.unitsHolding(item.sha256).length > 0 || references.referencedBy(item.sha256).length > 0) {
        return { contentRemoved: false };
      }
      await media.remove(item.sha256);
      log.info({ sha256: item.sha256 }, 'content file removed: no item or reference left');
      return { contentRemoved: true };
    },

    async locateAudio(id: number) {
      const item = repo.get(id);
      const stored = item && (await media.locate(item.sha256));
      if (!stored) throw notFound(`library item ${id}`);
      return stored;
    },

    /** Units whose library holds the file (none: the unit that first uploaded it, for old rows). */
    unitsHolding(sha256: string): number[] {
      const held = repo.unitsHolding(sha256);
      const uploader = media.get(sha256)?.unitId;
      return held.length > 0 || uploader === null || uploader === undefined ? held : [uploader];
    },

    listMedia(scope: Scope, o: { limit: number; offset: number }): MediaFile[] {
      return repo.listMedia({ ...o, ...(scope.all ? {} : { unitIds: scopes.subtreeIds(scope.unitId) }) });
    },
  };
}
