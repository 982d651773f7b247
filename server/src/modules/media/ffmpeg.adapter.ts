/**
 * The one place that runs ffmpeg and ffprobe. fluent-ffmpeg is archived upstream (May 2025); keeping
 * every use of it in this file makes replacing it by a direct `spawn(toArgv(inv))` a one-file change.
 */
import { createRequire } from 'node:module';
import ffmpeg, { type FfprobeData } from 'fluent-ffmpeg';
import type { FfmpegInvocation } from './ffmpeg-args.js';
import { progressMs } from './ffmpeg-output.js';
import type { ProbeResult } from './media-validation.js';

export interface RunOptions {
  /** Media time processed so far, in ms. */
  onProgress?: (processedMs: number) => void;
  signal?: AbortSignal;
}

export interface FfmpegAdapter {
  probe(file: string): Promise<ProbeResult>;
  /** Resolves with stderr when ffmpeg exits 0; rejects with FfmpegError otherwise, or the abort reason. */
  run(inv: FfmpegInvocation, opts?: RunOptions): Promise<{ stderr: string }>;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export interface BinaryPaths {
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
}

const require = createRequire(import.meta.url);

/**
 * The installer packages are resolved only when no path is configured, so a system ffmpeg (e.g.
 * Debian's on a Raspberry Pi) works even where no prebuilt binary exists for the platform.
 */
export function resolveBinaries(paths: BinaryPaths): { ffmpeg: string; ffprobe: string } {
  return {
    ffmpeg: paths.ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobe: paths.ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path,
  };
}

/** Keeps the head (input description) and the tail (errors, final progress, loudnorm JSON) of stderr. */
function stderrCollector(head = 200, tail = 2000) {
  const first: string[] = [];
  const last: string[] = [];
  let dropped = 0;
  return {
    push(line: string) {
      if (first.length < head) first.push(line);
      else {
        last.push(line);
        if (last.length > tail) {
          last.shift();
          dropped++;
        }
      }
    },
    text: () => [...first, ...(dropped ? [`[… ${dropped} lines dropped …]`] : []), ...last].join('\n'),
  };
}

function toProbeResult(data: FfprobeData): ProbeResult {
  const audio = data.streams.filter((s) => s.codec_type === 'audio');
  const first = audio[0];
  const seconds = Number(data.format.duration);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    formatName: String(data.format.format_name ?? 'unknown'),
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null,
    audioStreams: audio.length,
    codec: first?.codec_name ?? null,
    sampleRate: num(Number(first?.sample_rate)),
    channels: num(first?.channels),
  };
}

/**
 * fluent-ffmpeg splits an option holding exactly one space into two arguments unless it is given more
 * than one argument; our builders always pass flag/value pairs, so insist on that.
 */
function optionArgs(options: string[]): string[] {
  if (options.length < 2) throw new Error(`ffmpeg options must come as flag/value pairs: ${options.join(' ')}`);
  return options;
}

/**
 * ffmpeg ran and refused (non-zero exit: the input's fault, usually) versus could not run at all
 * (missing binary, no permission): only the first becomes an FfmpegError.
 */
function classify(err: unknown, stderr: string): unknown {
  const exited = err instanceof Error && /exited with code \d+/.test(err.message);
  return exited ? new FfmpegError(err.message, stderr) : err;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function createFfmpegAdapter(paths: BinaryPaths): FfmpegAdapter {
  const bin = resolveBinaries(paths);
  // fluent-ffmpeg keeps the binary paths in module-global state; one configuration per process.
  ffmpeg.setFfmpegPath(bin.ffmpeg);
  ffmpeg.setFfprobePath(bin.ffprobe);

  return {
    probe: (file) =>
      new Promise((resolve, reject) => {
        ffmpeg.ffprobe(file, (err: unknown, data: FfprobeData) => {
          if (err) reject(classify(err, err instanceof Error ? err.message : ''));
          else resolve(toProbeResult(data));
        });
      }),

    run: (inv, opts = {}) =>
      new Promise((resolve, reject) => {
        const { signal, onProgress } = opts;
        if (signal?.aborted) return reject(abortReason(signal));
        const collected = stderrCollector();
        const cmd = ffmpeg({ stdoutLines: 20 })
          .input(inv.input)
          .inputOptions(...optionArgs(inv.inputOptions))
          .output(inv.output)
          .outputOptions(...optionArgs(inv.outputOptions));
        const kill = () => cmd.kill('SIGKILL');
        // fluent-ffmpeg spawns only after async capability checks; an abort before that is caught here.
        cmd.on('start', () => {
          if (signal?.aborted) kill();
        });
        cmd.on('stderr', (line: string) => {
          collected.push(line);
          const ms = onProgress ? progressMs(line) : null;
          if (ms !== null) onProgress?.(ms);
        });
        cmd.on('end', () => {
          signal?.removeEventListener('abort', kill);
          resolve({ stderr: collected.text() });
        });
        cmd.on('error', (err: Error) => {
          signal?.removeEventListener('abort', kill);
          if (signal?.aborted) reject(abortReason(signal));
          else reject(classify(err, collected.text()));
        });
        signal?.addEventListener('abort', kill, { once: true });
        cmd.run();
      }),
  };
}
