import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTone, runFfmpeg, scratchDir } from './audio.js';
import type { ApiResponse, TestServer } from './server.js';

export interface Job {
  id: number;
  kind: 'transcode' | 'tts';
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  title: string | null;
  result: { itemId: number; sha256: string; duplicate: boolean } | null;
  error: { code: string; message: string } | null;
  unitId: number;
  attempts: number;
}

export interface LibraryItem {
  id: number;
  unitId: number;
  sha256: string;
  title: string;
  kind: string;
  originalName: string | null;
  durationMs: number;
  sizeBytes: number;
  loudnessLufs: number | null;
  truePeakDb: number | null;
  audioUrl: string;
}

export type UploadReply = { job: Job } & { item: LibraryItem } & { error: { code: string; message: string } };

/** Uploads to the unit's library as the console does: form fields first, then the file. */
export async function uploadToLibrary(
  server: TestServer,
  file: string,
  o: { unitCode?: string; title?: string; kind?: string; name?: string; token?: string | null } = {},
): Promise<ApiResponse<UploadReply>> {
  const form = new FormData();
  for (const key of ['unitCode', 'title', 'kind'] as const) {
    const value = o[key];
    if (value !== undefined) form.append(key, value);
  }
  form.append('file', new Blob([await readFile(file)]), o.name ?? path.basename(file));
  const token = o.token === undefined ? server.adminToken : o.token;
  const res = await fetch(`${server.baseUrl}/api/v1/library`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as UploadReply, headers: res.headers };
}

/**
 * Polls a job until `done` says so (default: a final state), at the pace of the server's own progress
 * writes; bounded by the test's timeout. Each poll is a real request, so the wait follows the server.
 */
export async function waitForJob(
  server: TestServer,
  id: number,
  done: (job: Job) => boolean = (j) => ['succeeded', 'failed', 'cancelled'].includes(j.state),
  token?: string,
): Promise<Job> {
  for (;;) {
    const res = await server.api<{ job: Job }>('GET', `/api/v1/jobs/${id}`, undefined, token);
    if (res.status !== 200) throw new Error(`job ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (done(res.body.job)) return res.body.job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Integrated loudness, true peak, duration and stream line of a file, by ffmpeg's own EBU R128 meter. */
export async function measureBroadcast(file: string) {
  const stderr = await runFfmpeg(['-i', file, '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-']);
  const last = (re: RegExp) => [...stderr.matchAll(re)].at(-1)?.[1];
  const times = [...stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}\.\d+)/g)].at(-1);
  const durationMs = times ? (Number(times[1]) * 3600 + Number(times[2]) * 60 + Number(times[3])) * 1000 : Number.NaN;
  return {
    lufs: Number(last(/I:\s+(-?[\d.]+|-inf) LUFS/g)),
    truePeakDb: Number(last(/Peak:\s+(-?[\d.]+|-inf) dBFS/g)),
    durationMs,
    stream: /Stream #0:0.*?: (Audio: .*)/.exec(stderr)?.[1] ?? '',
  };
}

/** Where the store keeps a content file. */
export const storedPath = (server: TestServer, sha256: string) =>
  path.join(server.dataDir, 'media', sha256.slice(0, 2), `${sha256}.mp3`);

const list = (dir: string) => readdir(dir, { recursive: true }).catch(() => [] as string[]);

/**
 * Everything an upload can leave behind: content files, temp files, job inputs, and the rows of media,
 * jobs and items. A rejected upload must change none of it.
 */
export async function storeSnapshot(server: TestServer) {
  const [media, jobs, items] = await Promise.all([
    server.api<{ media: Array<{ sha256: string }> }>('GET', '/api/v1/media?limit=500'),
    server.api<{ jobs: Job[] }>('GET', '/api/v1/jobs?limit=500'),
    server.api<{ items: LibraryItem[] }>('GET', '/api/v1/library?limit=500'),
  ]);
  return {
    files: (await list(path.join(server.dataDir, 'media'))).filter((f) => f.endsWith('.mp3')).sort(),
    temps: (await list(path.join(server.dataDir, 'tmp'))).filter((f) => f.startsWith('media-')).sort(),
    inputs: (await list(path.join(server.dataDir, 'jobs', 'inputs'))).sort(),
    media: media.body.media.map((m) => m.sha256).sort(),
    jobs: jobs.body.jobs.map((j) => `${j.id}:${j.state}`).sort(),
    items: items.body.items.map((i) => i.id).sort(),
  };
}

/** A recording in one of the formats phones and browsers produce, made from the speech-like signal. */
export async function makeFormat(format: AudioSource, seconds = 6): Promise<string> {
  if (format === 'wav' || format === 'mp3' || format === 'ogg' || format === 'm4a') {
    return makeTone({ seconds, format, channels: format === 'm4a' ? 2 : 1 });
  }
  const wav = await makeTone({ seconds, format: 'wav', sampleRate: 48_000 });
  const out = path.join(await scratchDir(), `${path.basename(wav, '.wav')}.${format}`);
  const encode: Record<typeof format, string[]> = {
    opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
    // MediaRecorder's WebM: written as a live stream, so it declares no duration and has no cues.
    webm: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', '-live', '1'],
    // A phone's voice memo: AMR-NB, 8 kHz mono, 12.2 kb/s.
    amr: ['-ar', '8000', '-ac', '1', '-c:a', 'libopencore_amrnb', '-b:a', '12.2k', '-f', 'amr'],
  };
  await runFfmpeg(['-y', '-v', 'error', '-i', wav, ...encode[format], out]);
  return out;
}
export type AudioSource = 'wav' | 'mp3' | 'ogg' | 'm4a' | 'opus' | 'webm' | 'amr';
