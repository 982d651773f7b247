import type { MediaRef } from '@nguon/protocols';
import type { Logger } from 'pino';
import { type BackoffOptions, backoffDelayMs } from '../connection/backoff.js';
import type { MediaCache } from '../media/media-cache.js';

export interface Prefetcher {
  /**
   * The media the programme needs, soonest first: pins exactly these (so eviction never takes them and
   * what left the programme may go) and downloads, one at a time in that order, what is not yet here.
   */
  want(refs: readonly MediaRef[]): void;
  /** The link is back: try the failed downloads now rather than at the end of their backoff. */
  retryNow(): void;
  /** Whether `sha256` was downloaded or checked in the cache since it was wanted. */
  ready(sha256: string): boolean;
  stop(): void;
}

export interface PrefetchOptions {
  media: Pick<MediaCache, 'ensure' | 'pin'>;
  logger: Logger;
  random?: () => number;
  backoff?: BackoffOptions;
}

/** Downloads retried from a few seconds up to five minutes apart: a 3G link may be down for hours. */
const PREFETCH_BACKOFF: BackoffOptions = { baseMs: 2_000, capMs: 5 * 60_000 };

/** Gets the programme's media into the cache ahead of time (issue 6 item 3: play with no network). */
export function createPrefetcher(opts: PrefetchOptions): Prefetcher {
  const backoff = opts.backoff ?? PREFETCH_BACKOFF;
  const log = opts.logger;
  let wanted: readonly MediaRef[] = [];
  const ready = new Set<string>();
  let running = false;
  let dirty = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  /** One pass over what is wanted; a failure does not hold back the files after it. */
  async function pass(): Promise<number> {
    let failed = 0;
    for (const ref of wanted) {
      if (stopped || dirty) break;
      if (ready.has(ref.sha256)) continue;
      try {
        await opts.media.ensure(ref);
        if (wanted.some((w) => w.sha256 === ref.sha256)) ready.add(ref.sha256);
      } catch (err) {
        failed += 1;
        log.warn({ err, sha256: ref.sha256 }, 'prefetch: download failed');
      }
    }
    return failed;
  }

  async function run(): Promise<void> {
    if (running || stopped) return;
    running = true;
    let failed = 0;
    try {
      do {
        dirty = false;
        failed = await pass();
      } while (dirty && !stopped);
    } finally {
      running = false;
    }
    if (failed === 0 || stopped) {
      failures = 0;
      return;
    }
    const delayMs = backoffDelayMs(failures++, backoff, opts.random);
    log.info({ failed, delayMs }, 'prefetch: retrying later');
    retry = setTimeout(() => {
      retry = undefined;
      void run();
    }, delayMs);
  }

  return {
    want(refs) {
      wanted = refs;
      const shas = new Set(refs.map((r) => r.sha256));
      for (const sha of ready) if (!shas.has(sha)) ready.delete(sha);
      opts.media.pin(shas);
      dirty = true;
      // A pending retry keeps its backoff: a playlist re-sent on every reconnect must not defeat it.
      if (!retry) void run();
    },
    retryNow() {
      failures = 0;
      // Mid-pass: one more pass, so a download that failed in this one is tried again at once.
      if (running) dirty = true;
      if (!retry) return;
      clearTimeout(retry);
      retry = undefined;
      void run();
    },
    ready: (sha256) => ready.has(sha256),
    stop() {
      stopped = true;
      clearTimeout(retry);
      retry = undefined;
    },
  };
}
