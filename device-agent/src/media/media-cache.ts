import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaRef } from '@nguon/protocols';
import { createCacheIndex } from './cache-index.js';
import { type HttpGet, httpGet } from './http-get.js';

export type MediaErrorCode = 'download_failed' | 'checksum_mismatch';

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

export interface MediaCache {
  /**
   * Prepares the cache directory, removes partial downloads left by a crash and rebuilds the index of
   * cached files from the disk (their mtimes keep the least-recently-used order across reboots).
   */
  init(): Promise<void>;
  /** Path of a verified local copy of `media`, downloading it if needed. Throws MediaError. */
  ensure(media: MediaRef): Promise<string>;
  /** Files that must stay (upcoming schedules need them); replaces the previous set. */
  pin(sha256s: Iterable<string>): void;
  usage(): { files: number; bytes: number; maxBytes: number };
}

export interface MediaCacheOptions {
  dir: string;
  /** HTTP Basic credentials: the receiver's own id and secret. */
  username: string;
  password: string;
  /** node:http by default (not fetch(): see http-get.ts). */
  httpGet?: HttpGet | undefined;
  /** Slow 3G links need minutes for a long bulletin; this bounds a stalled one. */
  downloadTimeoutMs?: number;
  /** Bound on the cache's size; least recently used files that are not pinned go first. */
  maxBytes?: number;
  onEvict?: (sha256: string, bytes: number) => void;
  now?: () => number;
}

const CACHED_FILE = /^([0-9a-f]{64})\.mp3$/;

/** Hashes whatever streams through it. */
function hashingTap(hash: ReturnType<typeof createHash>, maxBytes: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      total += chunk.length;
      // A server sending more than announced would fill the receiver's SD card: cut it off.
      if (total > maxBytes) return cb(new MediaError('download_failed', `more than the announced ${maxBytes} bytes`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
}

async function sha256OfFile(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}

/** Flushes a finished download to the card before it is renamed into place (power cuts happen). */
async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * A content-addressed cache: `<dir>/<sha256>.mp3`, written only after its digest checks out, bounded by
 * size with least-recently-used eviction of what is not pinned (issue 5 item 2).
 */
export function createMediaCache(opts: MediaCacheOptions): MediaCache {
  const get = opts.httpGet ?? httpGet;
  const timeoutMs = opts.downloadTimeoutMs ?? 15 * 60_000;
  const maxBytes = opts.maxBytes ?? 1024 * 1024 * 1024;
  const now = opts.now ?? Date.now;
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  // Two plays of the same media while it downloads share one download.
  const inflight = new Map<string, Promise<string>>();
  const index = createCacheIndex();
  let pinned = new Set<string>();
  const fileOf = (sha: string) => join(opts.dir, `${sha}.mp3`);

  /** Deletes least recently used files until `budget` bytes fit; pinned and in-use files stay. */
  async function evict(budget: number, inUse: string): Promise<void> {
    const keep = new Set([...pinned, ...inflight.keys(), inUse]);
    for (const sha of index.evictionPlan(budget, keep)) {
      const bytes = index.totalBytes();
      await rm(fileOf(sha), { force: true });
      index.delete(sha);
      opts.onEvict?.(sha, bytes - index.totalBytes());
    }
  }

  async function markUsed(sha: string, path: string): Promise<void> {
    const at = new Date(now());
    // The mtime is the persisted "last used": a failure to set it only blurs the eviction order.
    await utimes(path, at, at).catch(() => undefined);
    const s = await stat(path);
    index.touch(sha, s.size, at.getTime());
  }

  async function download(media: MediaRef, target: string): Promise<string> {
    const tmp = join(opts.dir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    try {
      const res = await get(media.url, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((err: Error) => {
        throw new MediaError('download_failed', `request: ${err.message}`);
      });
      if (res.status < 200 || res.status > 299) {
        res.body.resume();
        throw new MediaError('download_failed', `HTTP ${res.status} for ${media.url}`);
      }
      await pipeline(res.body, hashingTap(hash, media.sizeBytes), createWriteStream(tmp)).catch((err: Error) => {
        throw err instanceof MediaError ? err : new MediaError('download_failed', `transfer: ${err.message}`);
      });
      const digest = hash.digest('hex');
      if (digest !== media.sha256) {
        throw new MediaError('checksum_mismatch', `expected ${media.sha256}, got ${digest}`);
      }
      await fsyncFile(tmp);
      await rename(tmp, target);
      return target;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async function ensureUncached(media: MediaRef): Promise<string> {
    const target = fileOf(media.sha256);
    // Re-hashing a cached file costs little and catches SD-card corruption before it goes on air.
    if ((await sha256OfFile(target)) === media.sha256) {
      await markUsed(media.sha256, target);
      return target;
    }
    await rm(target, { force: true });
    index.delete(media.sha256);
    // Room first: on a nearly full SD card the download itself needs the space.
    await evict(maxBytes - media.sizeBytes, media.sha256);
    await download(media, target);
    await markUsed(media.sha256, target);
    await evict(maxBytes, media.sha256);
    return target;
  }

  async function rebuildIndex(): Promise<void> {
    for (const name of await readdir(opts.dir)) {
      const sha = CACHED_FILE.exec(name)?.[1];
      if (!sha) continue;
      const s = await stat(join(opts.dir, name)).catch(() => null);
      if (s?.isFile()) index.touch(sha, s.size, s.mtimeMs);
    }
  }

  return {
    async init() {
      await mkdir(opts.dir, { recursive: true });
      const stale = (await readdir(opts.dir)).filter((f) => f.endsWith('.part'));
      await Promise.all(stale.map((f) => rm(join(opts.dir, f), { force: true })));
      await rebuildIndex();
      // The bound may have been lowered since the last run.
      await evict(maxBytes, '');
    },
    pin(sha256s) {
      pinned = new Set(sha256s);
    },
    usage: () => ({ files: index.size(), bytes: index.totalBytes(), maxBytes }),
    ensure(media) {
      const existing = inflight.get(media.sha256);
      if (existing) return existing;
      const p = ensureUncached(media).finally(() => inflight.delete(media.sha256));
      inflight.set(media.sha256, p);
      return p;
    },
  };
}
