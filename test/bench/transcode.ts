/**
 * `npm run bench:transcode [-- --minutes 10 --runs 2]`
 *
 * Speed and accuracy of the broadcast transcode with loudness normalisation (issue 4, item 6: at least
 * 100× realtime on one core). Makes a speech-like recording, then for each ffmpeg build found (the
 * bundled one, and Debian's /usr/bin/ffmpeg if installed) times, in this one run:
 *   - before: the former pipeline (two full decodes with two-pass loudnorm at 192 kHz), ffmpeg time only;
 *   - after: the server's real ingest (hash, probe, decode, measure, encode, verify, store), end to end.
 * The stored MP3's loudness and true peak are measured independently with ffmpeg's ebur128. The whole
 * process runs pinned to one core (taskset) and ffmpeg with -threads 1. Prints one JSON line.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { createLogger, createMediaService, createTranscodeSlots, loadConfig, openDatabase } from '@nguon/server';
import { makeTone, removeTestAudio } from '../src/support/audio.js';
import { printFigures, progress, round } from './support/figures.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, runs: { type: 'string', default: '2' } },
});
const minutes = Number(values.minutes);
const runs = Math.max(1, Number(values.runs));

/** One core: re-run this script under `taskset -c 0` unless it already is (or taskset is missing). */
function pinToOneCore(): boolean {
  if (process.env.NGUON_BENCH_PINNED) return true;
  if (spawnSync('taskset', ['-V']).status !== 0) return false;
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NGUON_BENCH_PINNED: '1' },
  });
  process.exit(child.status ?? 1);
}

function ffmpegRun(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(stderr) : reject(new Error(`${bin} exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

/** The former two-pass loudnorm pipeline, as it was before this change, timed as ffmpeg wall time. */
async function before(bin: string, source: string, out: string): Promise<number> {
  const loudnorm = 'loudnorm=I=-16:TP=-1.5:LRA=11';
  const t0 = performance.now();
  const stderr = await ffmpegRun(bin, [
    '-threads',
    '1',
    '-i',
    source,
    '-map',
    '0:a:0',
    '-af',
    `aformat=channel_layouts=mono,${loudnorm}:print_format=json`,
    '-f',
    'null',
    '-',
  ]);
  const j = JSON.parse(/\{\s*"input_i"[^{}]*\}/.exec(stderr)?.[0] ?? '{}') as Record<string, string>;
  const measured = `measured_I=${j.input_i}:measured_TP=${j.input_tp}:measured_LRA=${j.input_lra}:measured_thresh=${j.input_thresh}:offset=${j.target_offset}:linear=true`;
  await ffmpegRun(bin, [
    '-y',
    '-threads',
    '1',
    '-i',
    source,
    '-map',
    '0:a:0',
    '-af',
    `aformat=channel_layouts=mono,${loudnorm}:${measured}`,
    '-ac',
    '1',
    '-ar',
    '44100',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '64k',
    '-threads',
    '1',
    '-f',
    'mp3',
    out,
  ]);
  return (performance.now() - t0) / 1000;
}

/** Integrated loudness and true peak by ffmpeg's own EBU R128 meter: independent of the server's. */
async function ebur128(bin: string, file: string) {
  const stderr = await ffmpegRun(bin, ['-i', file, '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-']);
  const last = (re: RegExp) => Number([...stderr.matchAll(re)].at(-1)?.[1]);
  return { lufs: last(/I:\s+(-?[\d.]+) LUFS/g), truePeakDb: last(/Peak:\s+(-?[\d.]+) dBFS/g) };
}

async function after(build: Build, source: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-transcode-'));
  const config = loadConfig({ NGUON_DATA_DIR: dataDir, ...build.env });
  const database = openDatabase(path.join(dataDir, 'nguon.sqlite'));
  try {
    const media = createMediaService({
      db: database.db,
      config: config.media,
      dataDir,
      log: createLogger('warn', false),
      slots: createTranscodeSlots(1),
    });
    const t0 = performance.now();
    const file = await media.ingest({ tempPath: source, originalName: 'bench.wav' });
    const seconds = (performance.now() - t0) / 1000;
    const stored = await media.locate(file.sha256);
    const independent = await ebur128(build.ffmpeg, stored!.path);
    return { seconds, file, independent };
  } finally {
    database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface Build {
  name: string;
  ffmpeg: string;
  /** How the server is told to use this build; the bundled one is its default. */
  env: Record<string, string>;
}

function builds(): Build[] {
  const found: Build[] = [{ name: 'bundled', ffmpeg: ffmpegInstaller.path, env: {} }];
  if (existsSync('/usr/bin/ffmpeg') && existsSync('/usr/bin/ffprobe')) {
    const env = { NGUON_FFMPEG_PATH: '/usr/bin/ffmpeg', NGUON_FFPROBE_PATH: '/usr/bin/ffprobe' };
    found.push({ name: 'system', ffmpeg: '/usr/bin/ffmpeg', env });
  }
  return found;
}

/**
 * TTS speed is test/bench/tts.ts's to measure (its owner's); its figures are included by running it on
 * the same core, so one command gives the whole media pipeline's speed.
 */
function ttsFigures(): Record<string, unknown> | null {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'tts.ts');
  if (!existsSync(script)) return null;
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--runs', '1'], { encoding: 'utf8' });
  const line = child.stdout?.trim().split('\n').at(-1);
  try {
    const all = JSON.parse(line ?? '') as Record<string, unknown>;
    return { charsPerS: all.charsPerS, realtimeFactor: all.realtimeFactor, chars: all.chars, provider: all.provider };
  } catch {
    return { error: `test/bench/tts.ts gave no figures (exit ${child.status})` };
  }
}

const version = (bin: string) =>
  execFileSync(bin, ['-version'], { encoding: 'utf8' })
    .split('\n')[0]
    ?.replace(/ Copyright.*/, '');

const pinned = pinToOneCore();
const audioSeconds = minutes * 60;
progress(`making ${minutes} min of speech-like audio`);
const source = await makeTone({ seconds: audioSeconds, format: 'wav' });
const scratch = await mkdtemp(path.join(tmpdir(), 'nguon-bench-before-'));
const results: Record<string, unknown>[] = [];
try {
  for (const build of builds()) {
    // Best of `runs`: the machine is shared, and the slowest run says more about neighbours than about us.
    let bestBefore = Number.POSITIVE_INFINITY;
    let best: Awaited<ReturnType<typeof after>> | null = null;
    for (let i = 0; i < runs; i++) {
      progress(`${build.name}: run ${i + 1}/${runs}, before`);
      bestBefore = Math.min(bestBefore, await before(build.ffmpeg, source, path.join(scratch, 'before.mp3')));
      progress(`${build.name}: run ${i + 1}/${runs}, after`);
      const r = await after(build, source);
      if (!best || r.seconds < best.seconds) best = r;
    }
    if (!best) continue;
    results.push({
      build: build.name,
      ffmpeg: version(build.ffmpeg),
      beforeRealtime: round(audioSeconds / bestBefore),
      beforeSeconds: round(bestBefore, 2),
      afterRealtime: round(audioSeconds / best.seconds),
      afterSeconds: round(best.seconds, 2),
      outputLufs: best.independent.lufs,
      outputTruePeakDbtp: best.independent.truePeakDb,
      serverLufs: best.file.loudnessLufs,
      serverTruePeakDbtp: best.file.truePeakDb,
      profile: best.file.profile,
    });
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
  await removeTestAudio();
}
progress('tts: running test/bench/tts.ts');
const tts = ttsFigures();
printFigures({
  bench: 'transcode',
  audio: `${minutes} min speech-like WAV, 44.1 kHz mono`,
  oneCore: pinned,
  runs,
  targetLufs: -16,
  targetRealtime: 100,
  results,
  tts,
});
