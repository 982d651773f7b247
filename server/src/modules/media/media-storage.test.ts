import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaStorage, type MediaStorage, sha256File } from './media-storage.js';

const SHA = 'ab'.repeat(32);

describe('media storage', () => {
  let dir: string;
  let storage: MediaStorage;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nguon-storage-'));
    storage = createMediaStorage(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('addresses files by sha256 under a two-character fan-out folder', () => {
    expect(storage.pathFor(SHA)).toBe(path.join(dir, 'media', 'ab', `${SHA}.mp3`));
  });

  it('refuses anything that is not a lower-case hex sha256', () => {
    for (const bad of ['../../etc/passwd', SHA.toUpperCase(), SHA.slice(1), `${SHA}/..`]) {
      expect(() => storage.pathFor(bad)).toThrow(/not a sha256/);
    }
  });

  it('moves a finished temp file into place and removes it', async () => {
    const tmp = storage.tempPath('.mp3');
    await mkdir(storage.tmpDir, { recursive: true });
    await writeFile(tmp, 'audio');
    expect(await storage.has(SHA)).toBe(false);
    await storage.put(SHA, tmp);
    expect(await storage.has(SHA)).toBe(true);
    expect(await readFile(storage.pathFor(SHA), 'utf8')).toBe('audio');
    expect(await readdir(storage.tmpDir)).toEqual([]);
    await storage.remove(SHA);
    expect(await storage.has(SHA)).toBe(false);
  });

  it('sweeps only its own stale temp files', async () => {
    await mkdir(storage.tmpDir, { recursive: true });
    const stale = storage.tempPath('.upload');
    const fresh = storage.tempPath('.upload');
    const foreign = path.join(storage.tmpDir, 'tts-123.wav');
    for (const f of [stale, fresh, foreign]) await writeFile(f, 'x');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, old, old);
    await utimes(foreign, old, old);
    expect(await storage.sweepTemp(3600_000)).toBe(1);
    expect((await readdir(storage.tmpDir)).sort()).toEqual([path.basename(fresh), 'tts-123.wav'].sort());
  });

  it('hashes a file as sha256 hex', async () => {
    const f = path.join(dir, 'f');
    await writeFile(f, 'abc');
    expect(await sha256File(f)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
