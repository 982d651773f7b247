import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, MediaError } from './media-cache.js';

const body = Buffer.from('not really an mp3, but bytes are bytes');
const sha256 = createHash('sha256').update(body).digest('hex');
/** Three 100-byte files served under /f/<n>, for the size bound. */
const files = ['1', '2', '3'].map((n) => {
  const bytes = Buffer.alloc(100, n);
  return { n, bytes, sha: createHash('sha256').update(bytes).digest('hex') };
});
let server: Server;
let base: string;
let dir: string;
let requests: { url: string; auth: string | undefined }[];

beforeAll(async () => {
  // A real HTTP server: the cache is tested against the same transport the receiver uses.
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', auth: req.headers.authorization });
    if (req.headers.authorization !== `Basic ${Buffer.from('dev-1:s3cret').toString('base64')}`) {
      res.writeHead(401).end();
      return;
    }
    const f = files.find((x) => req.url === `/f/${x.n}`);
    if (f) return void res.writeHead(200).end(f.bytes);
    res.writeHead(req.url === '/missing' ? 404 : 200).end(req.url === '/corrupt' ? Buffer.from('other') : body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
});
beforeEach(async () => {
  requests = [];
  dir = await mkdtemp(join(tmpdir(), 'nguon-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const media = (path: string, sha = sha256) => ({ sha256: sha, url: `${base}${path}`, sizeBytes: 1_000, durationMs: 1 });

describe('media cache', () => {
  it('downloads with Basic auth, verifies and stores as <sha256>.mp3, then serves from cache', async () => {
    const cache = createMediaCache({ dir, username: 'dev-1', password: 's3cret' });
    await cache.init();
    const path = await cache.ensure(media('/ok'));
    expect(path).toBe(join(dir, `${sha256}.mp3`));
    expect(await readFile(path)).toEqual(body);
    expect(await cache.ensure(media('/ok'))).toBe(path);
    expect(requests).toHaveLength(1);
    expect(await readdir(dir)).toEqual([`${sha256}.mp3`]);
  });

  it('refuses a file whose digest differs and leaves nothing behind', async () => {
    const cache = createMediaCache({ dir, username: 'dev-1', password: 's3cret' });
    await cache.init();
    const err = await cache.ensure(media('/corrupt')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('checksum_mismatch');
    expect(await readdir(dir)).toEqual([]);
  });

  it('re-downloads a cached file that was corrupted on disk', async () => {
    const cache = createMediaCache({ dir, username: 'dev-1', password: 's3cret' });
    await cache.init();
    await writeFile(join(dir, `${sha256}.mp3`), 'bit rot');
    expect(await readFile(await cache.ensure(media('/ok')))).toEqual(body);
    expect(requests).toHaveLength(1);
  });

  it('reports HTTP errors and wrong credentials as download_failed', async () => {
    const wrong = createMediaCache({ dir, username: 'dev-1', password: 'nope' });
    await wrong.init();
    await expect(wrong.ensure(media('/ok'))).rejects.toMatchObject({ code: 'download_failed' });
    const right = createMediaCache({ dir, username: 'dev-1', password: 's3cret' });
    await expect(right.ensure(media('/missing'))).rejects.toMatchObject({ code: 'download_failed' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('cuts off a body larger than announced', async () => {
    const cache = createMediaCache({ dir, username: 'dev-1', password: 's3cret' });
    await cache.init();
    await expect(cache.ensure({ ...media('/ok'), sizeBytes: 5 })).rejects.toMatchObject({ code: 'download_failed' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes partial downloads left by a crash on init', async () => {
    await writeFile(join(dir, 'abc.part'), 'half');
    await createMediaCache({ dir, username: 'u', password: 'p' }).init();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('media cache bound', () => {
  const ref = (f: (typeof files)[number]) => ({ ...media(`/f/${f.n}`, f.sha), sizeBytes: 100 });
  const cached = async () => (await readdir(dir)).sort();
  const name = (f: (typeof files)[number]) => `${f.sha}.mp3`;
  const [one, two, three] = files as [(typeof files)[0], (typeof files)[0], (typeof files)[0]];

  it('evicts the least recently used file that is not pinned to stay within its size', async () => {
    const evicted: string[] = [];
    let clock = 1_790_000_000_000;
    const cache = createMediaCache({
      dir,
      username: 'dev-1',
      password: 's3cret',
      maxBytes: 250,
      onEvict: (sha) => evicted.push(sha),
      now: () => (clock += 1_000),
    });
    await cache.init();
    await cache.ensure(ref(one));
    await cache.ensure(ref(two));
    // One is used again, so two is now the least recently used.
    await cache.ensure(ref(one));
    await cache.ensure(ref(three));
    expect(evicted).toEqual([two.sha]);
    expect(await cached()).toEqual([name(one), name(three)].sort());
    expect(cache.usage()).toEqual({ files: 2, bytes: 200, maxBytes: 250 });

    cache.pin([three.sha]);
    await cache.ensure(ref(two));
    expect(evicted).toEqual([two.sha, one.sha]);
    expect(await cached()).toEqual([name(two), name(three)].sort());
  });

  it('rebuilds its index from the disk after a restart and enforces a lowered bound', async () => {
    const first = createMediaCache({ dir, username: 'dev-1', password: 's3cret', maxBytes: 1_000 });
    await first.init();
    for (const f of files) await first.ensure(ref(f));
    await utimes(join(dir, name(one)), new Date(1_000), new Date(1_000));
    await writeFile(join(dir, 'notes.txt'), 'not media');

    const second = createMediaCache({ dir, username: 'dev-1', password: 's3cret', maxBytes: 200 });
    await second.init();
    expect(second.usage()).toMatchObject({ files: 2, bytes: 200 });
    expect(await cached()).toEqual([name(two), name(three), 'notes.txt'].sort());
    // Served from the disk without a download.
    const before = requests.length;
    expect(await second.ensure(ref(two))).toBe(join(dir, name(two)));
    expect(requests.length).toBe(before);
  });
});
