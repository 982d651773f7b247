import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import { AppError } from '../../errors.js';
import { createFfmpegAdapter, type FfmpegAdapter, FfmpegError } from './ffmpeg.adapter.js';
import { analysisArgs, type BroadcastProfile, profileName, transcodeArgs } from './ffmpeg-args.js';
import { parseLoudnorm } from './ffmpeg-output.js';
import { createMediaRepository, type MediaRepository } from './media.repository.js';
import type { MediaFile } from './media.schemas.js';
import { createMediaStorage, type MediaStorage, sha256File } from './media-storage.js';
import {
  type Analysis,
  checkAnalysis,
  checkProbe,
  type ProbeResult,
  undecodable,
  wavIsTruncated,
} from './media-validation.js';
import { createTranscodeSlots, type TranscodeSlots } from './transcode-slots.js';

export interface IngestInput {
  /** The uploaded file; the caller owns it and deletes it afterwards. */
  tempPath: string;
  originalName: string;
  unitId?: number | null;
  createdBy?: number | null;
}

export interface IngestProgress {
  phase: 'analyse' | 'transcode';
  /** Of the whole ingest, 0..1. */
  ratio: number;
}

export interface IngestOptions {
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
}

export interface StagedUpload {
  path: string;
  sizeBytes: number;
  discard(): Promise<void>;
}

export interface MediaService {
  /** Writes an incoming stream to a temp file next to the store (same filesystem, so moves are renames). */
  stage(stream: Readable): Promise<StagedUpload>;
  /** Validates, normalises and stores an upload; rejects with a 4xx AppError leaving nothing behind. */
  ingest(input: IngestInput, opts?: IngestOptions): Promise<MediaFile>;
  get(sha256: string): MediaFile | undefined;
  list(opts?: { limit?: number; offset?: number; unitIds?: number[] }): MediaFile[];
  /** Where the stored audio of a known file is, for serving; undefined if either row or file is missing. */
  locate(sha256: string): Promise<{ path: string; sizeBytes: number; file: MediaFile } | undefined>;
}

export interface MediaServiceDeps {
  db: Db;
  config: Config['media'];
  dataDir: string;
  log: Logger;
  /** Tests may substitute the process runner; production uses fluent-ffmpeg via the adapter. */
  ffmpeg?: FfmpegAdapter;
}

/** The analysis pass decodes only; the transcode pass also encodes and is the larger share of the work. */
const ANALYSE_SHARE = 0.3;
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
  const ffmpeg = deps.ffmpeg ?? createFfmpegAdapter(config);
  const profile: BroadcastProfile = { loudnessLufs: config.loudnessLufs, bitrateK: config.bitrateK };
  const slots = createTranscodeSlots(Math.max(1, Math.floor(availableParallelism() / 2)));
  const pipelineDeps: PipelineDeps = {
    ffmpeg,
    repo,
    storage,
    profile,
    maxDurationMs: config.maxDurationMs,
    slots,
    log,
  };

  storage
    .sweepTemp(TEMP_MAX_AGE_MS)
    .then((n) => n > 0 && log.info({ removed: n }, 'removed stale media temp files'))
    .catch((err: unknown) => log.warn({ err }, 'could not sweep media temp files'));

  return {
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
    ingest: (input, opts = {}) => ingest(pipelineDeps, input, opts),
    get: (sha256) => repo.get(sha256),
    list: (opts) => repo.list(opts),
    async locate(sha256) {
      const file = repo.get(sha256);
      if (!file) return undefined;
      const p = storage.pathFor(sha256);
      const s = await stat(p).catch(() => null);
      return s?.isFile() ? { path: p, sizeBytes: s.size, file } : undefined;
    },
  };
}

interface PipelineDeps {
  ffmpeg: FfmpegAdapter;
  repo: MediaRepository;
  storage: MediaStorage;
  profile: BroadcastProfile;
  maxDurationMs: number;
  slots: TranscodeSlots;
  log: Logger;
}

async function ingest(d: PipelineDeps, input: IngestInput, opts: IngestOptions): Promise<MediaFile> {
  const { size } = await stat(input.tempPath);
  if (size === 0) throw new AppError('unprocessable', 'the file is empty');
  const sourceSha256 = await sha256File(input.tempPath);
  const earlier = d.repo.findBySource(sourceSha256, profileName(d.profile));
  if (earlier && (await d.storage.has(earlier.sha256))) return earlier;
  return d.slots.run(() => convert(d, { ...input, size, sourceSha256 }, opts), opts.signal);
}

/** Probe, check, measure, transcode and store: the ffmpeg work, run while holding a transcode slot. */
async function convert(
  d: PipelineDeps,
  input: IngestInput & { size: number; sourceSha256: string },
  opts: IngestOptions,
): Promise<MediaFile> {
  const started = Date.now();
  const probe = await probeSource(d.ffmpeg, input.tempPath);
  checkProbe(probe, d.maxDurationMs);
  if (probe.formatName === 'wav' && wavIsTruncated(await readHead(input.tempPath, 64 * 1024), input.size)) {
    throw new AppError(
      'unprocessable',
      'the file is truncated: the WAV header promises more audio than the file holds',
    );
  }
  const analysis = await analyse(d, input.tempPath, probe, opts);
  const out = d.storage.tempPath('.mp3');
  try {
    const loudnessLufs = await transcode(d, input.tempPath, out, analysis, opts);
    const [outProbe, sha256, outStat] = await Promise.all([d.ffmpeg.probe(out), sha256File(out), stat(out)]);
    const file = await store(d, out, {
      sha256,
      sourceSha256: input.sourceSha256,
      originalName: cleanOriginalName(input.originalName),
      sourceFormat: `${probe.formatName}/${probe.codec ?? 'unknown'}`,
      sizeBytes: outStat.size,
      durationMs: outProbe.durationMs ?? analysis.decodedMs ?? 0,
      sourceLoudnessLufs: round2(analysis.loudness.inputI),
      loudnessLufs,
      profile: profileName(d.profile),
      unitId: input.unitId ?? null,
      createdBy: input.createdBy ?? null,
    });
    const elapsedMs = Date.now() - started;
    const realtime = round2(file.durationMs / Math.max(1, elapsedMs));
    d.log.info({ sha256, durationMs: file.durationMs, elapsedMs, realtime }, 'media ingested');
    return file;
  } finally {
    await rm(out, { force: true });
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** ffprobe refusing a file is the client's problem (not audio); a spawn failure is ours and stays a 5xx. */
async function probeSource(ffmpeg: FfmpegAdapter, file: string): Promise<ProbeResult> {
  try {
    return await ffmpeg.probe(file);
  } catch (err) {
    if (err instanceof FfmpegError) {
      throw new AppError('unsupported_media', 'the file is not a readable audio file');
    }
    throw err;
  }
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function progressReporter(opts: IngestOptions, phase: IngestProgress['phase'], totalMs: number | null) {
  const { onProgress } = opts;
  if (!onProgress || !totalMs) return undefined;
  const [from, share] = phase === 'analyse' ? [0, ANALYSE_SHARE] : [ANALYSE_SHARE, 1 - ANALYSE_SHARE];
  return (ms: number) => onProgress({ phase, ratio: from + share * Math.min(1, ms / totalMs) });
}

async function analyse(d: PipelineDeps, file: string, probe: ProbeResult, opts: IngestOptions): Promise<Analysis> {
  const onProgress = progressReporter(opts, 'analyse', probe.durationMs);
  const args = analysisArgs(file, d.profile.loudnessLufs);
  const { stderr } = await d.ffmpeg.run(args, { signal: opts.signal, onProgress }).catch((err: unknown) => {
    // A non-zero exit on a file ffprobe accepted: the decoder gave up on its contents.
    throw err instanceof FfmpegError ? undecodable(err.stderr, file) : err;
  });
  return checkAnalysis({ stderr, declaredMs: probe.durationMs, maxDurationMs: d.maxDurationMs, inputPath: file });
}

/** Returns the loudness of the result as loudnorm measured it on its way out. */
async function transcode(d: PipelineDeps, src: string, out: string, a: Analysis, opts: IngestOptions) {
  const onProgress = progressReporter(opts, 'transcode', a.decodedMs);
  const { stderr } = await d.ffmpeg.run(transcodeArgs(src, out, a.loudness, d.profile), {
    signal: opts.signal,
    onProgress,
  });
  const report = parseLoudnorm(stderr);
  if (report?.normalizationType !== 'linear') {
    d.log.debug({ type: report?.normalizationType }, 'loudnorm fell back to dynamic mode (true-peak limit)');
  }
  return report && Number.isFinite(report.outputI) ? round2(report.outputI) : null;
}

/** File first, then row: a crash in between leaves an unreferenced file, never a row without audio. */
async function store(d: PipelineDeps, finished: string, row: Omit<MediaFile, 'createdAt'>): Promise<MediaFile> {
  const existing = d.repo.get(row.sha256);
  const hadFile = await d.storage.has(row.sha256);
  if (existing && hadFile) return existing;
  await d.storage.put(row.sha256, finished);
  try {
    return d.repo.insert(row);
  } catch (err) {
    if (!hadFile) await d.storage.remove(row.sha256);
    throw err;
  }
}
