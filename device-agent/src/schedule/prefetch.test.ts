import type { MediaRef } from '@nguon/protocols';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { MediaError } from '../media/media-cache.js';
import { createPrefetcher } from './prefetch.js';

const ref = (c: string): MediaRef => ({
  sha256: c.repeat(64),
  url: `http://127.0.0.1/${c}`,
  sizeBytes: 1,
  durationMs: 1,
});

function setup(failing: Set<string>) {
  const order: string[] = [];
  const pins: string[][] = [];
  const media = {
    ensure: vi.fn(async (m: MediaRef) => {
      order.push(m.sha256[0]!);
      if (failing.has(m.sha256[0]!)) throw new MediaError('download_failed', 'HTTP 503');
      return `/cache/${m.sha256}.mp3`;
    }),
    pin: (shas: Iterable<string>) => void pins.push([...shas].map((s) => s[0]!)),
  };
  const prefetch = createPrefetcher({
    media,
    logger: pino({ level: 'silent' }),
    backoff: { baseMs: 5, capMs: 5 },
    random: () => 0.99,
  });
  return { prefetch, order, pins, media };
}

describe('prefetch', () => {
  it('pins exactly the programme and downloads it soonest first, once', async () => {
    const { prefetch, order, pins } = setup(new Set());
    prefetch.want([ref('b'), ref('a')]);
    await vi.waitFor(() => expect(prefetch.ready('a'.repeat(64))).toBe(true));
    expect(order).toEqual(['b', 'a']);
    prefetch.want([ref('a'), ref('c')]);
    await vi.waitFor(() => expect(prefetch.ready('c'.repeat(64))).toBe(true));
    // `a` was fetched already; `b` left the programme and is no longer pinned.
    expect(order).toEqual(['b', 'a', 'c']);
    expect(pins).toEqual([
      ['b', 'a'],
      ['a', 'c'],
    ]);
    expect(prefetch.ready('b'.repeat(64))).toBe(false);
    prefetch.stop();
  });

  it('a failed download does not hold back the next one, and is retried with backoff', async () => {
    const failing = new Set(['a']);
    const { prefetch, order } = setup(failing);
    prefetch.want([ref('a'), ref('b')]);
    await vi.waitFor(() => expect(order.filter((x) => x === 'a').length).toBeGreaterThanOrEqual(2));
    expect(prefetch.ready('b'.repeat(64))).toBe(true);
    failing.clear();
    await vi.waitFor(() => expect(prefetch.ready('a'.repeat(64))).toBe(true));
    // `b` was not fetched again by the retries.
    expect(order.filter((x) => x === 'b')).toEqual(['b']);
    prefetch.stop();
  });

  it('retries at once when the link comes back, and never after stop', async () => {
    const failing = new Set(['a']);
    const { prefetch, media } = setup(failing);
    const slow = createPrefetcher({
      media,
      logger: pino({ level: 'silent' }),
      backoff: { baseMs: 3_600_000, capMs: 3_600_000 },
      random: () => 0.99,
    });
    slow.want([ref('a')]);
    await vi.waitFor(() => expect(media.ensure).toHaveBeenCalledTimes(1));
    failing.clear();
    slow.retryNow();
    await vi.waitFor(() => expect(slow.ready('a'.repeat(64))).toBe(true));
    slow.stop();
    prefetch.stop();
  });
});
