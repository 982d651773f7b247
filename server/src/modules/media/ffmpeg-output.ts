/**
 * Pure parsers of ffmpeg's stderr as produced with `-loglevel level+info` (see ffmpeg-args.ts).
 * Tested against captured output of the bundled ffmpeg build.
 */
import { z } from 'zod';
import type { LoudnormMeasurement } from './ffmpeg-args.js';

/** loudnorm prints numbers as strings, and `-inf` for digital silence. */
const LoudnormNumber = z.string().transform((s, ctx) => {
  const v = s === '-inf' ? Number.NEGATIVE_INFINITY : s === 'inf' ? Number.POSITIVE_INFINITY : Number(s);
  if (Number.isNaN(v)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${s}` });
    return z.NEVER;
  }
  return v;
});

const LoudnormJsonSchema = z.object({
  input_i: LoudnormNumber,
  input_tp: LoudnormNumber,
  input_lra: LoudnormNumber,
  input_thresh: LoudnormNumber,
  output_i: LoudnormNumber,
  output_tp: LoudnormNumber,
  normalization_type: z.string(),
  target_offset: LoudnormNumber,
});

export interface LoudnormReport extends LoudnormMeasurement {
  outputI: number;
  outputTp: number;
  /** `linear` when pass 2 could apply one gain; `dynamic` when the true-peak limit forced compression. */
  normalizationType: string;
}

/** The last loudnorm JSON block in stderr, or null when there is none or it is malformed. */
export function parseLoudnorm(stderr: string): LoudnormReport | null {
  const blocks = stderr.match(/\{\s*"input_i"[^{}]*\}/g);
  const last = blocks?.at(-1);
  if (!last) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(last);
  } catch {
    return null;
  }
  const parsed = LoudnormJsonSchema.safeParse(raw);
  if (!parsed.success) return null;
  const j = parsed.data;
  return {
    inputI: j.input_i,
    inputTp: j.input_tp,
    inputLra: j.input_lra,
    inputThresh: j.input_thresh,
    targetOffset: j.target_offset,
    outputI: j.output_i,
    outputTp: j.output_tp,
    normalizationType: j.normalization_type,
  };
}

const TIME = /time=\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

/** Media time reached, from one progress line (`size=… time=00:01:02.50 …`), in ms. */
export function progressMs(line: string): number | null {
  const m = TIME.exec(line);
  if (!m) return null;
  if (m[1] === '-') return 0;
  return Math.round((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}

/** The decoded duration: the time of the final progress line. */
export function decodedMs(stderr: string): number | null {
  let last: number | null = null;
  for (const line of stderr.split(/\r\n|\r|\n/)) {
    const ms = progressMs(line);
    if (ms !== null) last = ms;
  }
  return last;
}

/** Lines ffmpeg logged at error severity or worse (decoder and demuxer complaints). */
export function errorLines(stderr: string): string[] {
  return stderr.split(/\r\n|\r|\n/).filter((l) => /(^|\] )\[(error|fatal|panic)\] /.test(l));
}

/**
 * True when the demuxer guessed the duration from the bitrate (VBR MP3 without a Xing header), so a
 * mismatch with the decoded duration says nothing about truncation.
 */
export function durationWasEstimated(stderr: string): boolean {
  return stderr.includes('Estimating duration from bitrate');
}
