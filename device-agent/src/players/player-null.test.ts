import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNullPlayer } from './player-null.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-player-'));
  file = join(dir, 'out.mp3');
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.5', '-ac', '1', '-b:a', '64k', file];
  const gen = spawn(ffmpeg.path, args, { stdio: 'ignore' });
  const [code] = await once(gen, 'close');
  expect(code).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('null player (real ffmpeg, real audio)', () => {
  const player = createNullPlayer({ ffmpegPath: ffmpeg.path });

  it('takes the real duration of the file and finishes', async () => {
    const result = await player.play(file, { volume: 80 }).done;
    expect(result.outcome).toBe('finished');
    expect(result.playedMs).toBeGreaterThan(1_100);
    expect(result.playedMs).toBeLessThan(1_900);
  });

  it('joining late with offsetMs plays only the rest of the file', async () => {
    const result = await player.play(file, { volume: 80, offsetMs: 1_000 }).done;
    expect(result.outcome).toBe('finished');
    expect(result.playedMs).toBeLessThan(1_000);
  });

  it('stop() ends it early with outcome stopped', async () => {
    const handle = player.play(file, { volume: 80 });
    handle.stop();
    handle.stop();
    const result = await handle.done;
    expect(result.outcome).toBe('stopped');
    expect(result.playedMs).toBeLessThan(1_100);
  });

  it('reports a missing file as failed with ffmpeg’s own words', async () => {
    const result = await player.play(join(dir, 'missing.mp3'), { volume: 80 }).done;
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/exit code \d+: .*missing\.mp3/s);
  });

  it('reports a missing ffmpeg as failed instead of throwing', async () => {
    const broken = createNullPlayer({ ffmpegPath: join(dir, 'no-such-ffmpeg') });
    const result = await broken.play(file, { volume: 80 }).done;
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('ENOENT') });
  });
});
