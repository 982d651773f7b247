/**
 * Real audio for integration tests, made by the same bundled ffmpeg the server uses. The signal is
 * speech-like (a voiced tone and noise, both syllable-modulated, with pauses) rather than a pure sine,
 * so loudness normalisation has real work to do; it is deterministic, so the same options give the
 * same bytes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'm4a';

export interface ToneOptions {
  seconds: number;
  format: AudioFormat;
  /** Stereo channels are decorrelated, as in a real recording; default 1. */
  channels?: 1 | 2;
  sampleRate?: number;
  /** Linear amplitude of the signal; the default lands near −25 LUFS, well off the −16 target. */
  amplitude?: number;
  /** Digital silence instead of the speech-like signal. */
  silent?: boolean;
}

export const ffmpegPath = process.env.NGUON_FFMPEG_PATH ?? ffmpegInstaller.path;

const ENCODERS: Record<AudioFormat, string[]> = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  // ffmpeg writes a Xing header by default, so the declared duration is exact.
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '4', '-f', 'ogg'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', '-f', 'ipod'],
};

let scratch: Promise<string> | undefined;
let counter = 0;

/** One temp folder per test process for generated files; removeTestAudio() deletes it. */
export function scratchDir(): Promise<string> {
  scratch ??= mkdtemp(path.join(tmpdir(), 'nguon-audio-'));
  return scratch;
}

export async function removeTestAudio(): Promise<void> {
  if (scratch) await rm(await scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** Runs ffmpeg and resolves with its stderr; rejects with it on a non-zero exit. */
export function runFfmpeg(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegPath, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`ffmpeg exited ${code}:\n${stderr}`))));
  });
}

function speechExpr(amplitude: number, channel: number): string {
  const f0 = 180 + 70 * channel;
  const syllables = `(0.5+0.5*sin(2*PI*${3 + channel}*t+${channel}))`;
  // Pauses: about a fifth of every two seconds is silent, as between phrases.
  const phrases = 'gt(sin(2*PI*0.5*t),-0.8)';
  const voiced = `0.6*sin(2*PI*${f0}*t)*${syllables}`;
  const noise = `0.8*(random(${channel})-0.5)*${syllables}`;
  return `${amplitude}*(${voiced}+${noise})*${phrases}`;
}

export async function makeTone(opts: ToneOptions): Promise<string> {
  const channels = opts.channels ?? 1;
  const rate = opts.sampleRate ?? 44_100;
  const exprs = Array.from({ length: channels }, (_, c) => (opts.silent ? '0' : speechExpr(opts.amplitude ?? 0.2, c)));
  const file = path.join(await scratchDir(), `tone-${++counter}-${opts.seconds}s.${opts.format}`);
  await runFfmpeg(
    [
      ['-y', '-v', 'error', '-f', 'lavfi'],
      ['-i', `aevalsrc=exprs='${exprs.join('|')}':s=${rate}:d=${opts.seconds}`],
      ENCODERS[opts.format],
      [file],
    ].flat(),
  );
  return file;
}

/** A copy of `file` cut to `fraction` of its length: a transfer that stopped half-way. */
export async function truncatedCopy(file: string, fraction: number): Promise<string> {
  const bytes = await readFile(file);
  const out = path.join(await scratchDir(), `cut-${++counter}-${path.basename(file)}`);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

export async function scratchFile(name: string, content: string | Buffer): Promise<string> {
  const out = path.join(await scratchDir(), `${++counter}-${name}`);
  await writeFile(out, content);
  return out;
}

/**
 * Integrated loudness (EBU R128, LUFS), decoded duration and ffmpeg's description of the audio stream,
 * measured independently of the server.
 */
export async function measure(file: string): Promise<{ lufs: number; durationMs: number; stream: string }> {
  const stderr = await runFfmpeg(['-i', file, '-af', 'ebur128', '-f', 'null', '-']);
  const lufs = /Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS/.exec(stderr)?.[1];
  const times = [...stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}\.\d+)/g)].at(-1);
  if (!lufs || !times) throw new Error(`could not measure ${file}:\n${stderr.slice(-2000)}`);
  const durationMs = (Number(times[1]) * 3600 + Number(times[2]) * 60 + Number(times[3])) * 1000;
  const stream = /Stream #0:0.*?: (Audio: .*)/.exec(stderr)?.[1] ?? '';
  return { lufs: Number(lufs), durationMs, stream };
}
