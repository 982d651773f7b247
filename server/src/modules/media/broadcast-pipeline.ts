/**
 * The broadcast transcode in two halves, so an upload can be checked while the operator waits and
 * encoded later in a job (issue 4): `prepare` probes, decodes once to the PCM intermediate, measures and
 * rejects bad input; `finish` encodes, verifies what it encoded, and stores the MP3. See ffmpeg-args.ts.
 */
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { type FfmpegAdapter, FfmpegError } from './ffmpeg.adapter.js';
import {
  type BroadcastProfile,
  decodeArgs,
  encodeArgs,
  type GainStage,
  profileName,
  verifyArgs,
} from './ffmpeg-args.js';
import { measurePcmFile } from './loudness-meter.js';
import { firstStage, MAX_ENCODES, reviseStage, round2, sourceLoudness } from './loudness-plan.js';
import type { MediaRepository } from './media.repository.js';
import type { MediaFile } from './media.schemas.js';
import { type MediaStorage, sha256File } from './media-storage.js';
import { checkDecode, checkProbe, type ProbeResult, undecodable, wavIsTruncated } from './media-validation.js';
import type { SlotPriority, TranscodeSlots } from './transcode-slots.js';

/** What `prepare` learnt; serialisable, so a job can carry it across a restart. */
export const PreparedSchema = z.object({
  /** The PCM intermediate (mono s16le); whoever called prepare owns it. */
  pcmPath: z.string(),
  pcmRate: z.number().int().positive(),
  sourceSha256: z.string(),
  sourceFormat: z.string(),
  originalName: z.string(),
  durationMs: z.number().int().nonnegative(),
  intermediateLufs: z.number(),
});
export type Prepared = z.infer<typeof PreparedSchema>;

export interface PipelineDeps {
  ffmpeg: FfmpegAdapter;
  repo: MediaRepository;
  storage: MediaStorage;
  profile: BroadcastProfile;
  maxDurationMs: number;
  slots: TranscodeSlots;
  log: Logger;
}

export interface StepOptions {
  signal?: AbortSignal | undefined;
  /** 0..1 of this step. */
  onProgress?: ((ratio: number) => void) | undefined;
  priority?: SlotPriority;
}

export interface PrepareInput {
  sourcePath: string;
  originalName: string;
  /** Where to write the intermediate; removed again if the source is rejected. */
  pcmPath: string;
  /** When the caller hashed the source already. */
  sourceSha256?: string;
}

const progressOf = (onProgress: StepOptions['onProgress'], totalMs: number | null, from = 0, share = 1) =>
  onProgress && totalMs ? (ms: number) => onProgress(from + share * Math.min(1, ms / totalMs)) : undefined;

export async function prepare(d: PipelineDeps, input: PrepareInput, opts: StepOptions = {}): Promise<Prepared> {
  const { size } = await stat(input.sourcePath);
  if (size === 0) throw new AppError('unprocessable', 'the file is empty');
  const sourceSha256 = input.sourceSha256 ?? (await sha256File(input.sourcePath));
  await mkdir(path.dirname(input.pcmPath), { recursive: true });
  try {
    return await d.slots.run(() => decodeAndCheck(d, { ...input, size, sourceSha256 }, opts), opts);
  } catch (err) {
    await rm(input.pcmPath, { force: true });
    throw err;
  }
}

async function decodeAndCheck(
  d: PipelineDeps,
  input: PrepareInput & { size: number; sourceSha256: string },
  opts: StepOptions,
): Promise<Prepared> {
  const probe = await probeSource(d.ffmpeg, input.sourcePath);
  checkProbe(probe, d.maxDurationMs);
  if (probe.formatName === 'wav' && wavIsTruncated(await readHead(input.sourcePath, 64 * 1024), input.size)) {
    throw new AppError(
      'unprocessable',
      'the file is truncated: the WAV header promises more audio than the file holds',
    );
  }
  const rate = d.profile.sampleRate;
  const args = decodeArgs(input.sourcePath, input.pcmPath, { sampleRate: rate, maxMs: d.maxDurationMs });
  const onProgress = progressOf(opts.onProgress, probe.durationMs);
  const { stderr } = await d.ffmpeg.run(args, { signal: opts.signal, onProgress }).catch((err: unknown) => {
    // A non-zero exit on a file ffprobe accepted: the decoder gave up on its contents.
    throw err instanceof FfmpegError ? undecodable(err.stderr, input.sourcePath) : err;
  });
  const measured = await measurePcmFile(input.pcmPath, rate);
  checkDecode({
    stderr,
    declaredMs: probe.durationMs,
    decodedMs: measured.durationMs,
    loudnessLufs: measured.integratedLufs,
    maxDurationMs: d.maxDurationMs,
    inputPath: input.sourcePath,
  });
  return {
    pcmPath: input.pcmPath,
    pcmRate: rate,
    sourceSha256: input.sourceSha256,
    sourceFormat: `${probe.formatName}/${probe.codec ?? 'unknown'}`,
    originalName: input.originalName,
    durationMs: measured.durationMs,
    intermediateLufs: measured.integratedLufs,
  };
}

/** ffprobe refusing a file is the client's problem (not audio); a spawn failure is ours and stays a 5xx. */
async function probeSource(ffmpeg: FfmpegAdapter, file: string): Promise<ProbeResult> {
  try {
    return await ffmpeg.probe(file);
  } catch (err) {
    if (err instanceof FfmpegError) throw new AppError('unsupported_media', 'the file is not a readable audio file');
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

interface Encoded {
  out: string;
  integratedLufs: number;
  truePeakDb: number;
  durationMs: number;
  encodes: number;
}

/** Encode, decode back and measure; encode again (at most MAX_ENCODES) while off target or over the peak limit. */
async function encodeVerified(d: PipelineDeps, p: Prepared, opts: StepOptions): Promise<Encoded> {
  await mkdir(d.storage.tmpDir, { recursive: true });
  const out = d.storage.tempPath('.mp3');
  const check = d.storage.tempPath('.pcm');
  let stage: GainStage = firstStage(p.intermediateLufs, d.profile.loudnessLufs);
  try {
    for (let n = 1; ; n++) {
      // Progress covers the first encode (the usual case); a retry holds at its end.
      const onProgress = n === 1 ? progressOf(opts.onProgress, p.durationMs, 0, 0.9) : undefined;
      await d.ffmpeg.run(encodeArgs(p.pcmPath, out, { pcmRate: p.pcmRate, stage, profile: d.profile }), {
        signal: opts.signal,
        onProgress,
      });
      await d.ffmpeg.run(verifyArgs(out, check, d.profile.sampleRate), { signal: opts.signal });
      const m = await measurePcmFile(check, d.profile.sampleRate, { truePeak: true });
      const verified = { integratedLufs: m.integratedLufs, truePeakDb: m.truePeakDb ?? m.samplePeakDb };
      const next = reviseStage(stage, verified, d.profile.loudnessLufs);
      if (!next || n === MAX_ENCODES) {
        if (next) d.log.warn({ stage, verified }, 'normalisation did not converge; storing the closest result');
        return { out, ...verified, durationMs: m.durationMs, encodes: n };
      }
      d.log.debug({ stage, verified, next }, 'encoding again');
      stage = next;
    }
  } catch (err) {
    await rm(out, { force: true });
    throw err;
  } finally {
    await rm(check, { force: true });
  }
}

export interface FinishMeta {
  unitId: number | null;
  createdBy: number | null;
}

/** Encodes the prepared intermediate and stores the MP3; the intermediate stays (its owner removes it). */
export async function finish(d: PipelineDeps, p: Prepared, meta: FinishMeta, opts: StepOptions = {}) {
  const started = Date.now();
  const encoded = await d.slots.run(() => encodeVerified(d, p, opts), opts);
  try {
    const [sha256, outStat] = await Promise.all([sha256File(encoded.out), stat(encoded.out)]);
    const file = await store(d, encoded.out, {
      sha256,
      sourceSha256: p.sourceSha256,
      originalName: p.originalName,
      sourceFormat: p.sourceFormat,
      sizeBytes: outStat.size,
      durationMs: encoded.durationMs,
      sourceLoudnessLufs: sourceLoudness(p.intermediateLufs),
      loudnessLufs: round2(encoded.integratedLufs),
      truePeakDb: round2(encoded.truePeakDb),
      profile: profileName(d.profile),
      unitId: meta.unitId,
      createdBy: meta.createdBy,
    });
    const elapsedMs = Date.now() - started;
    const realtime = round2(file.durationMs / Math.max(1, elapsedMs));
    d.log.info({ sha256, durationMs: file.durationMs, elapsedMs, realtime, encodes: encoded.encodes }, 'media stored');
    opts.onProgress?.(1);
    return file;
  } finally {
    await rm(encoded.out, { force: true });
  }
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
