import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { MediaRef } from '@nguon/protocols';

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
  /** Prepares the cache directory and removes partial downloads left by a crash. */
  init(): Promise<void>;
  /** Path of a verified local copy of `media`, downloading it if needed. Throws MediaError. */
  ensure(media: MediaRef): Promise<string>;
}

export interface MediaCacheOptions {
  dir: string;
  /** HTTP Basic credentials: the receiver's own id and secret. */
  username: string;
  password: string;
  fetch?: typeof fetch;
  /** Slow 3G links need minutes for a long bulletin; this bounds a stalled one. */
  downloadTimeoutMs?: number;
}

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

/** A content-addressed cache: `<dir>/<sha256>.mp3`, written only after its digest checks out. */
export function createMediaCache(opts: MediaCacheOptions): MediaCache {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.downloadTimeoutMs ?? 15 * 60_000;
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  // Two plays of the same media while it downloads share one download.
  const inflight = new Map<string, Promise<string>>();

  async function download(media: MediaRef, target: string): Promise<string> {
    const tmp = join(opts.dir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    try {
      const res = await doFetch(media.url, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((err: Error) => {
        throw new MediaError('download_failed', `fetch: ${err.message}`);
      });
      if (!res.ok || !res.body) throw new MediaError('download_failed', `HTTP ${res.status} for ${media.url}`);
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      await pipeline(body, hashingTap(hash, media.sizeBytes), createWriteStream(tmp)).catch((err: Error) => {
        throw err instanceof MediaError ? err : new MediaError('download_failed', `transfer: ${err.message}`);
      });
      const digest = hash.digest('hex');
      if (digest !== media.sha256) {
        throw new MediaError('checksum_mismatch', `expected ${media.sha256}, got ${digest}`);
      }
      await rename(tmp, target);
      return target;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async function ensureUncached(media: MediaRef): Promise<string> {
    const target = join(opts.dir, `${media.sha256}.mp3`);
    // Re-hashing a cached file costs little and catches SD-card corruption before it goes on air.
    if ((await sha256OfFile(target)) === media.sha256) return target;
    await rm(target, { force: true });
    return download(media, target);
  }

  return {
    async init() {
      await mkdir(opts.dir, { recursive: true });
      const stale = (await readdir(opts.dir)).filter((f) => f.endsWith('.part'));
      await Promise.all(stale.map((f) => rm(join(opts.dir, f), { force: true })));
    },
    ensure(media) {
      const existing = inflight.get(media.sha256);
      if (existing) return existing;
      const p = ensureUncached(media).finally(() => inflight.delete(media.sha256));
      inflight.set(media.sha256, p);
      return p;
    },
  };
}
