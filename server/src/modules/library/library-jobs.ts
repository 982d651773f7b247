/**
 * The two kinds of library job: `transcode` (an upload already checked and decoded at the door, see
 * library.service.ts, now encoded) and `tts` (text read by the speech engine, then the same transcode).
 * Each ends in a library item of the job's unit.
 */
import { randomUUID } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { JobHandler } from '../jobs/job-runner.js';
import { PreparedSchema } from '../media/broadcast-pipeline.js';
import type { MediaService } from '../media/media.service.js';
import type { LibraryRepository } from './library.repository.js';
import { ITEM_KINDS } from './library.schemas.js';

/**
 * The speech engine as the library needs it: the TTS module's `TtsService` fits as it is. Audio comes
 * back as WAV (eSpeak) or in an HTTP provider's format; the transcode reads either.
 */
export interface TtsSynthesizer {
  /** Checks and normalises text at once (empty, too long, control characters, foreign script): a clear 4xx. */
  normalize(text: string): string;
  synthesize(
    request: { text: string; voice?: string; speed?: number },
    opts: { onProgress?: (p: { done: number; total: number }) => void; signal?: AbortSignal },
  ): Promise<{ audio: Buffer; format: string }>;
}

export const TranscodeInputSchema = z.object({
  title: z.string(),
  kind: z.enum(ITEM_KINDS),
  /** A name inside the inputs folder, never a path: the data folder may move between runs. */
  pcmFile: z.string().regex(/^[0-9a-f-]{36}\.pcm$/),
  prepared: PreparedSchema.omit({ pcmPath: true }),
  estimatedBytes: z.number().int().nonnegative(),
});
export type TranscodeInput = z.infer<typeof TranscodeInputSchema>;

export const TtsInputSchema = z.object({
  title: z.string(),
  text: z.string(),
  voice: z.string().optional(),
  speed: z.number().optional(),
  estimatedBytes: z.number().int().nonnegative(),
});
export type TtsInput = z.infer<typeof TtsInputSchema>;

export interface LibraryJobDeps {
  media: MediaService;
  repo: LibraryRepository;
  /** `<dataDir>/jobs/inputs`: intermediates waiting for their job, kept across restarts. */
  inputsDir: string;
  tts: TtsSynthesizer | undefined;
}

export const newPcmFile = () => `${randomUUID()}.pcm`;

function itemResult(d: LibraryJobDeps, job: { unitId: number; createdBy: number | null }, item: ItemFields) {
  const { item: stored, created } = d.repo.ensure({ ...item, unitId: job.unitId, createdBy: job.createdBy });
  return { itemId: stored.id, sha256: stored.sha256, duplicate: !created };
}

interface ItemFields {
  sha256: string;
  title: string;
  kind: (typeof ITEM_KINDS)[number];
  originalName: string | null;
}

export function transcodeHandler(d: LibraryJobDeps): JobHandler<TranscodeInput> {
  const pcmPath = (input: TranscodeInput) => path.join(d.inputsDir, input.pcmFile);
  return {
    input: TranscodeInputSchema,
    async run(job, ctx) {
      const prepared = { ...job.input.prepared, pcmPath: pcmPath(job.input) };
      const meta = { unitId: job.unitId, createdBy: job.createdBy };
      const file = await d.media.finish(prepared, meta, { signal: ctx.signal, onProgress: ctx.progress });
      const { title, kind } = job.input;
      return itemResult(d, job, { sha256: file.sha256, title, kind, originalName: prepared.originalName });
    },
    inputAvailable: async (input) => (await stat(pcmPath(input)).catch(() => null))?.isFile() ?? false,
    release: (input) => rm(pcmPath(input), { force: true }),
  };
}

/** Synthesis is the first half of the progress bar, the transcode the second. */
export function ttsHandler(d: LibraryJobDeps): JobHandler<TtsInput> {
  return {
    input: TtsInputSchema,
    async run(job, ctx) {
      if (!d.tts) throw new AppError('unavailable', 'text-to-speech is not available on this server');
      const { text, voice, speed, title } = job.input;
      const request = { text, ...(voice ? { voice } : {}), ...(speed ? { speed } : {}) };
      const onProgress = (p: { done: number; total: number }) => ctx.progress(p.total ? p.done / p.total / 2 : 0);
      const speech = await d.tts.synthesize(request, { signal: ctx.signal, onProgress });
      const source = d.media.tempPath(`.tts.${speech.format.replace(/[^a-z0-9]/g, '')}`);
      try {
        await writeFile(source, speech.audio);
        const file = await d.media.ingest(
          { tempPath: source, originalName: `${title}.wav`, unitId: job.unitId, createdBy: job.createdBy },
          { signal: ctx.signal, onProgress: (r) => ctx.progress(0.5 + r / 2) },
        );
        return itemResult(d, job, { sha256: file.sha256, title, kind: 'tts', originalName: null });
      } finally {
        await rm(source, { force: true });
      }
    },
    // The text is the input, and it lives in the job row.
    inputAvailable: async () => true,
    release: async () => {},
  };
}
