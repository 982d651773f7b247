/**
 * Pure decisions on whether an upload is fit to broadcast. Each rejection is an AppError with a message
 * an operator can act on; the service runs ffmpeg and calls these with what it found.
 */
import { AppError } from '../../errors.js';
import { durationWasEstimated, errorLines } from './ffmpeg-output.js';

export interface ProbeResult {
  formatName: string;
  durationMs: number | null;
  audioStreams: number;
  /** Of the first audio stream (the one the pipeline decodes); null when there is none. */
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
}

/** BS.1770 gates blocks below −70 LUFS, so a measurement at or below it means nothing was audible. */
export const SILENCE_LUFS = -70;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} minutes`;

function tooLong(ms: number, maxDurationMs: number): AppError {
  return new AppError('unprocessable', `the recording is ${seconds(ms)} long; the limit is ${minutes(maxDurationMs)}`, {
    durationMs: ms,
    maxDurationMs,
  });
}

/** After ffprobe: is there audio to decode, and not too much of it. */
export function checkProbe(p: ProbeResult, maxDurationMs: number): void {
  if (p.audioStreams === 0) {
    throw new AppError('unsupported_media', 'the file has no audio stream', { format: p.formatName });
  }
  if (p.durationMs !== null && p.durationMs > maxDurationMs) throw tooLong(p.durationMs, maxDurationMs);
}

/**
 * A shortfall this large between the declared and the decoded duration means the file ends early. The
 * floor absorbs encoder priming and padding (tens of ms); the ratio, headers' rounding on long files.
 */
export function isShortfall(declaredMs: number, decoded: number): boolean {
  return declaredMs - decoded > Math.max(1000, declaredMs * 0.02);
}

export interface DecodeCheckInput {
  /** ffmpeg's log of the decode pass. */
  stderr: string;
  /** ffprobe's duration of the source, if it had one. */
  declaredMs: number | null;
  /** Counted from the samples of the intermediate: exact. */
  decodedMs: number;
  maxDurationMs: number;
  /** Of the intermediate, as the loudness meter measured it. */
  loudnessLufs: number;
  /** Redacted from messages: the client should not learn server paths. */
  inputPath: string;
}

/** BS.1770 measures 400 ms blocks; anything shorter has no loudness and is no bulletin either. */
export const MIN_DURATION_MS = 400;

/** The rejection for a file whose decoding logged errors (or failed outright), with a sample of them. */
export function undecodable(stderr: string, inputPath: string): AppError {
  const errors = errorLines(stderr);
  const sample = errors.slice(0, 5).map((l) => l.split(inputPath).join('<input>'));
  return new AppError('unprocessable', 'the file is damaged or truncated: it could not be decoded cleanly', {
    decoderErrors: sample,
    errorCount: errors.length,
  });
}

/** After the decode pass: reject damaged, truncated, over-long, too short or silent recordings. */
export function checkDecode(a: DecodeCheckInput): void {
  const errors = errorLines(a.stderr);
  if (errors.length > 0) throw undecodable(a.stderr, a.inputPath);
  const decoded = a.decodedMs;
  if (a.declaredMs !== null && !durationWasEstimated(a.stderr) && isShortfall(a.declaredMs, decoded)) {
    throw new AppError(
      'unprocessable',
      `the file is truncated: it declares ${seconds(a.declaredMs)} of audio but only ${seconds(decoded)} could be decoded`,
      { declaredMs: a.declaredMs, decodedMs: decoded },
    );
  }
  if (decoded > a.maxDurationMs) throw tooLong(decoded, a.maxDurationMs);
  if (decoded === 0) throw new AppError('unprocessable', 'the recording has no audio samples');
  if (decoded < MIN_DURATION_MS) {
    throw new AppError('unprocessable', `the recording is only ${seconds(decoded)} long; at least 0.4 s is needed`);
  }
  if (!Number.isFinite(a.loudnessLufs) || a.loudnessLufs <= SILENCE_LUFS) {
    throw new AppError('unprocessable', 'the recording is silent');
  }
}

/**
 * A WAV whose `data` chunk claims more bytes than the file holds was cut off. ffprobe clamps the
 * duration to the file size, so the duration comparison cannot see this; the header can. Writers that
 * stream (size unknown) put 0 or 0xFFFFFFFF there, which proves nothing.
 */
export function wavIsTruncated(header: Buffer, fileSize: number): boolean {
  if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WAVE') {
    return false;
  }
  let offset = 12;
  while (offset + 8 <= header.length) {
    const id = header.toString('latin1', offset, offset + 4);
    const size = header.readUInt32LE(offset + 4);
    if (id === 'data') {
      if (size === 0 || size === 0xffff_ffff) return false;
      return offset + 8 + size > fileSize;
    }
    // Chunks are padded to an even length (RIFF spec).
    offset += 8 + size + (size % 2);
  }
  return false;
}
