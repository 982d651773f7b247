import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, removeTestAudio, runFfmpeg, scratchDir } from './support/audio.js';
import { type Job, storeSnapshot, uploadToLibrary, waitForJob } from './support/library.js';
import { startTestServer } from './support/server.js';

/** A long MP3 made fast: one minute of the speech-like signal, looped. */
async function longRecording(minutes: number): Promise<string> {
  const minute = await makeTone({ seconds: 60, format: 'wav', amplitude: 0.1 + minutes / 100 });
  const out = path.join(await scratchDir(), `long-${minutes}min.mp3`);
  await runFfmpeg([
    '-y',
    '-v',
    'error',
    '-stream_loop',
    String(minutes - 1),
    '-i',
    minute,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '96k',
    out,
  ]);
  return out;
}

/** ffmpeg processes started by this test process (the server runs in it), from /proc. */
function ffmpegChildren(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && stat.includes('(ffmpeg)');
      } catch {
        return false;
      }
    })
    .map(Number);
}

const midway = (j: Job) =>
  (j.state === 'running' && j.progress > 0) || ['succeeded', 'failed', 'cancelled'].includes(j.state);

describe('jobs: progress, cancel, restart', () => {
  let long: string;
  let other: string;
  beforeAll(async () => {
    long = await longRecording(10);
    other = await longRecording(8);
  }, 120_000);
  afterAll(removeTestAudio);

  it('reports progress, and a cancel mid-transcode kills ffmpeg and leaves nothing behind', async () => {
    const server = await startTestServer({ NGUON_JOB_CONCURRENCY: '1' });
    try {
      const before = await storeSnapshot(server);
      const res = await uploadToLibrary(server, long, { unitCode: '19753' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const { id } = res.body.job;
      const seen = await waitForJob(server, id, midway);
      expect(seen.state).toBe('running');
      expect(seen.progress).toBeGreaterThan(0);
      expect(seen.progress).toBeLessThan(1);
      expect(ffmpegChildren().length).toBeLessThanOrEqual(1);

      const cancel = await server.api<{ job: Job }>('POST', `/api/v1/jobs/${id}/cancel`);
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      expect(cancel.body.job).toMatchObject({ state: 'cancelled', result: null });
      expect(ffmpegChildren()).toEqual([]);
      const after = await storeSnapshot(server);
      expect(after).toEqual({ ...before, jobs: [...before.jobs, `${id}:cancelled`].sort() });
      expect((await server.api('POST', `/api/v1/jobs/${id}/cancel`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('after a restart resumes a job the old process left running, and fails one whose input is gone', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-restart-'));
    const env = { NGUON_DATA_DIR: dataDir, NGUON_JOB_CONCURRENCY: '1' };
    const inputs = path.join(dataDir, 'jobs', 'inputs');
    try {
      const first = await startTestServer(env);
      const a = (await uploadToLibrary(first, long, { unitCode: '19753' })).body.job.id;
      await waitForJob(first, a, midway);
      await first.close();

      const second = await startTestServer(env);
      const resumed = await waitForJob(second, a);
      expect(resumed).toMatchObject({ state: 'succeeded', attempts: 2 });
      const item = await second.api('GET', `/api/v1/library/${resumed.result!.itemId}`);
      expect(item.status).toBe(200);
      expect(await readdir(inputs)).toEqual([]);

      const b = (await uploadToLibrary(second, other, { unitCode: '19753' })).body.job.id;
      await waitForJob(second, b, midway);
      await second.close();
      expect((await readdir(inputs)).length).toBe(1);
      await rm(inputs, { recursive: true });

      const third = await startTestServer(env);
      try {
        const lost = await waitForJob(third, b);
        expect(lost.state).toBe('failed');
        expect(lost.error).toMatchObject({ code: 'input_lost', message: expect.stringMatching(/input is gone/) });
        expect((await storeSnapshot(third)).temps).toEqual([]);
      } finally {
        await third.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
