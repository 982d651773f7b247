import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import { AppError } from '../../errors.js';
import {
  finish,
  type PipelineDeps,
  type Prepared,
  type PrepareInput,
  prepare,
  type StepOptions,
} from './broadcast-pipeline.js';
import { createFfmpegAdapter, type FfmpegAdapter } from './ffmpeg.adapter.js';
import { type BroadcastProfile, profileName } from './ffmpeg-args.js';
import { createMediaRepository } from './media.repository.js';
import type { MediaFile } from './media.schemas.js';
import { createMediaStorage, sha256File } from './media-storage.js';
import type { TranscodeSlots } from './transcode-slots.js';

export interface IngestInput {
  /** The uploaded file; the caller owns it and deletes it afterwards. */
  tempPath: string;
  originalName: string;
  unitId?: number | null;
  createdBy?: number | null;
}

export type IngestOptions = StepOptions;

export interface StagedUpload {
  path: string;
  sizeBytes: number;
  discard(): Promise<void>;
}

export interface MediaService {
  readonly profile: BroadcastProfile;
  /** Writes an incoming stream to a temp file next to the store (same filesystem, so moves are renames). */
  stage(stream: Readable): Promise<StagedUpload>;
  hash(file: string): Promise<string>;
  /** Probes, decodes and checks a source; rejects with a 4xx AppError leaving no intermediate behind. */
  prepare(input: PrepareInput, opts?: StepOptions): Promise<Prepared>;
  /** Encodes a prepared intermediate to the broadcast MP3 and stores it. */
  finish(
    prepared: Prepared,
    meta: { unitId: number | null; createdBy: number | null },
    opts?: StepOptions,
  ): Promise<MediaFile>;
  /** prepare + finish, for callers that wait for the result. */
  ingest(input: IngestInput, opts?: IngestOptions): Promise<MediaFile>;
  /** A stored earlier transcode of the same source bytes with the current profile. */
  findBySource(sourceSha256: string): Promise<MediaFile | undefined>;
  get(sha256: string): MediaFile | undefined;
  /** Where the stored audio of a known file is, for serving; undefined if either row or file is missing. */
  locate(sha256: string): Promise<{ path: string; sizeBytes: number; file: MediaFile } | undefined>;
  /** Deletes a file and its row; the caller has made sure nothing references it any more. */
  remove(sha256: string): Promise<void>;
  /** A fresh path in the media temp area (swept of leftovers at start). */
  tempPath(suffix: string): string;
}

export interface MediaServiceDeps {
  db: Db;
  config: Config['media'];
  dataDir: string;
  log: Logger;
  /** Shared with the job runner: one bound on ffmpeg processes for the whole server. */
  slots: TranscodeSlots;
  /** Tests may substitute the process runner; production uses fluent-ffmpeg via the adapter. */
  ffmpeg?: FfmpegAdapter;
}

/** The decode pass is the small part of an ingest; the encode and its verification are the rest. */
const PREPARE_SHARE = 0.2;
const TEMP_MAX_AGE_MS = 60 * 60_000;

/** A display name only: path components and control characters of a client's file name are dropped. */
export function cleanOriginalName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(0, 255) || 'upload';
}

export function createMediaService(deps: MediaServiceDeps): MediaService {
  const { config, log } = deps;
  const repo = createMediaRepository(deps.db);
  const storage = createMediaStorage(deps.dataDir);
  const profile: BroadcastProfile = {
    loudnessLufs: config.loudnessLufs,
    bitrateK: config.bitrateK,
    sampleRate: config.sampleRate,
  };
  const d: PipelineDeps = {
    ffmpeg: deps.ffmpeg ?? createFfmpegAdapter(config),
    repo,
    storage,
    profile,
    maxDurationMs: config.maxDurationMs,
    slots: deps.slots,
    log,
  };

  storage
    .sweepTemp(TEMP_MAX_AGE_MS)
    .then((n) => n > 0 && log.info({ removed: n }, 'removed stale media temp files'))
    .catch((err: unknown) => log.warn({ err }, 'could not sweep media temp files'));

  const findBySource = async (sourceSha256: string) => {
    const earlier = repo.findBySource(sourceSha256, profileName(profile));
    return earlier && (await storage.has(earlier.sha256)) ? earlier : undefined;
  };

  return {
    profile,
    async stage(stream) {
      await mkdir(storage.tmpDir, { recursive: true });
      const file = storage.tempPath('.upload');
      const discard = () => rm(file, { force: true });
      try {
        await pipeline(stream, createWriteStream(file, { flags: 'wx' }));
        return { path: file, sizeBytes: (await stat(file)).size, discard };
      } catch (err) {
        await discard();
        throw err;
      }
    },
    hash: sha256File,
    prepare: (input, opts) => prepare(d, input, opts),
    finish: (p, meta, opts) => finish(d, p, meta, opts),
    async ingest(input, opts = {}) {
      const { size } = await stat(input.tempPath);
      if (size === 0) throw new AppError('unprocessable', 'the file is empty');
      const sourceSha256 = await sha256File(input.tempPath);
      const earlier = await findBySource(sourceSha256);
      if (earlier) return earlier;
      const pcmPath = storage.tempPath('.pcm');
      const { onProgress } = opts;
      try {
        const prepared = await prepare(
          d,
          { sourcePath: input.tempPath, originalName: cleanOriginalName(input.originalName), pcmPath, sourceSha256 },
          { ...opts, onProgress: onProgress && ((r) => onProgress(r * PREPARE_SHARE)) },
        );
        const meta = { unitId: input.unitId ?? null, createdBy: input.createdBy ?? null };
        return await finish(d, prepared, meta, {
          ...opts,
          onProgress: onProgress && ((r) => onProgress(PREPARE_SHARE + r * (1 - PREPARE_SHARE))),
        });
      } finally {
        await rm(pcmPath, { force: true });
      }
    },
    findBySource,
    get: (sha256) => repo.get(sha256),
    async locate(sha256) {
      const file = repo.get(sha256);
      if (!file) return undefined;
      const p = storage.pathFor(sha256);
      const s = await stat(p).catch(() => null);
      return s?.isFile() ? { path: p, sizeBytes: s.size, file } : undefined;
    },
    async remove(sha256) {
      repo.remove(sha256);
      await storage.remove(sha256);
    },
    tempPath: (suffix) => storage.tempPath(suffix),
  };
}
