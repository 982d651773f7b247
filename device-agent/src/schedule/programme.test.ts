import type { PlaylistItem } from '@nguon/protocols';
import { describe, expect, it } from 'vitest';
import { decide, type Journal, neededMedia } from './programme.js';

const sha = (c: string) => c.repeat(64);
const item = (key: string, startAt: number, durationMs = 10_000, shaChar = 'a'): PlaylistItem => ({
  key,
  startAt,
  durationMs,
  priority: 3,
  title: key,
  media: [{ sha256: sha(shaChar), url: 'http://127.0.0.1/x', sizeBytes: 1, durationMs }],
});
const journal = (entries: Record<string, { startedAt: number; ended: boolean }> = {}): Journal => ({
  started: (k) => entries[k],
});

describe('decide', () => {
  it('waits for the next item, then plays it from the start on time', () => {
    const items = [item('b', 20_000), item('a', 10_000)];
    expect(decide(items, 5_000, journal())).toMatchObject({ kind: 'wait', item: { key: 'a' }, untilMs: 10_000 });
    expect(decide(items, 10_000, journal())).toMatchObject({ kind: 'play', item: { key: 'a' }, offsetMs: 0 });
    expect(decide(items, 12_000, journal())).toMatchObject({ kind: 'play', offsetMs: 0 });
  });

  it('joins an item in progress where it has got to, rather than replaying it after a restart', () => {
    const items = [item('a', 10_000, 60_000)];
    expect(decide(items, 30_000, journal())).toMatchObject({ kind: 'play', offsetMs: 20_000 });
    // Started before a restart, not finished: resume, even when it is only just late.
    expect(decide(items, 11_000, journal({ a: { startedAt: 10_000, ended: false } }))).toMatchObject({
      kind: 'play',
      offsetMs: 1_000,
    });
  });

  it('never plays a finished item again, and skips items already over', () => {
    const items = [item('a', 10_000), item('b', 30_000)];
    expect(decide(items, 12_000, journal({ a: { startedAt: 10_000, ended: true } }))).toMatchObject({
      kind: 'wait',
      item: { key: 'b' },
    });
    expect(decide(items, 25_000, journal())).toMatchObject({ kind: 'wait', item: { key: 'b' } });
    expect(decide(items, 50_000, journal())).toEqual({ kind: 'idle' });
  });

  it('lists the media to prefetch, soonest first and once each', () => {
    const items = [
      item('c', 30_000, 10_000, 'c'),
      item('a', 10_000, 10_000, 'a'),
      item('a2', 20_000, 10_000, 'a'),
      item('old', 0, 1_000, 'o'),
    ];
    expect(neededMedia(items, 5_000)).toEqual([sha('a'), sha('c')]);
  });
});
