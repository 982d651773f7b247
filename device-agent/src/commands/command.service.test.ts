import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, MediaRef, Reply } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MediaCache, MediaError } from '../media/media-cache.js';
import type { PlaybackService, PlayRequest } from '../playback/playback.service.js';
import { createStateStore } from '../state/state-store.js';
import { createCommandService } from './command.service.js';
import { createCommandGuard } from './command-guard.js';

const T = 1_790_000_000_000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-cmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Media whose downloads the test completes by hand, to order them against other commands. */
function createManualMedia() {
  const pending = new Map<string, { resolve: (p: string) => void; reject: (e: Error) => void }>();
  const media: Pick<MediaCache, 'ensure'> = {
    ensure: (m: MediaRef) =>
      new Promise<string>((resolve, reject) => {
        pending.set(m.sha256, { resolve, reject });
      }),
  };
  const finish = (sha: string) => pending.get(sha)?.resolve(`/cache/${sha}.mp3`);
  const fail = (sha: string, e: Error) => pending.get(sha)?.reject(e);
  return { media, finish, fail };
}

async function setup() {
  const state = await createStateStore({ dataDir: dir, initialAreas: [] });
  const started: PlayRequest[] = [];
  const playback: PlaybackService = {
    play: (r) => {
      started.push(r);
    },
    stop: () => started.length > 0,
    current: () => null,
    stopAll: async () => {},
  };
  const manual = createManualMedia();
  const replies: Reply[] = [];
  const service = createCommandService({
    guard: createCommandGuard({ now: () => T }),
    media: manual.media,
    playback,
    state,
    sendReply: async (r) => {
      replies.push(r);
    },
    logger: pino({ level: 'silent' }),
    now: () => T,
  });
  return { service, started, state, replies, ...manual };
}

const sha = (c: string) => c.repeat(64);
const play = (id: string, shaChar: string, extra: Partial<Extract<Command, { type: 'play' }>> = {}): Command => ({
  v: 1,
  id,
  ts: T,
  expiresAt: T + 30_000,
  type: 'play',
  playId: `p-${id}`,
  priority: 3,
  media: { sha256: sha(shaChar), url: 'http://x/m', sizeBytes: 10, durationMs: 1000 },
  ...extra,
});

describe('command service', () => {
  it('replies playing once the media is ready, with the stored volume or the command’s own', async () => {
    const { service, started, finish } = await setup();
    const r1 = service.handle(play('c1', 'a'));
    finish(sha('a'));
    expect(await r1).toMatchObject({ id: 'c1', ok: true, result: { state: 'playing' } });
    const r2 = service.handle(play('c2', 'b', { volume: 20 }));
    finish(sha('b'));
    await r2;
    expect(started.map((s) => [s.playId, s.volume])).toEqual([
      ['p-c1', 80],
      ['p-c2', 20],
    ]);
  });

  it('a play whose download ends after a newer play does not start', async () => {
    const { service, started, finish } = await setup();
    const slow = service.handle(play('c1', 'a'));
    const fast = service.handle(play('c2', 'b'));
    finish(sha('b'));
    expect((await fast).ok).toBe(true);
    finish(sha('a'));
    expect(await slow).toMatchObject({ ok: true, result: { state: 'superseded' } });
    expect(started.map((s) => s.playId)).toEqual(['p-c2']);
  });

  it('a stop cancels a play still downloading', async () => {
    const { service, started, finish } = await setup();
    const pending = service.handle(play('c1', 'a'));
    await service.handle({ v: 1, id: 's1', ts: T, expiresAt: T + 1, type: 'stop', playId: 'p-c1' });
    finish(sha('a'));
    expect(await pending).toMatchObject({ ok: true, result: { state: 'superseded' } });
    expect(started).toEqual([]);
  });

  it('turns media errors into their reply codes', async () => {
    const { service, fail } = await setup();
    const r = service.handle(play('c1', 'a'));
    fail(sha('a'), new MediaError('checksum_mismatch', 'digest differs'));
    expect(await r).toMatchObject({ ok: false, error: { code: 'checksum_mismatch' } });
  });

  it('refuses expired and duplicate commands before doing anything', async () => {
    const { service, replies } = await setup();
    await service.handle({ v: 1, id: 'v1', ts: T, expiresAt: T - 1, type: 'setVolume', volume: 10 });
    await service.handle({ v: 1, id: 'v2', ts: T, expiresAt: T + 1, type: 'setVolume', volume: 10 });
    await service.handle({ v: 1, id: 'v2', ts: T, expiresAt: T + 1, type: 'setVolume', volume: 10 });
    expect(replies.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['expired', 'ok', 'duplicate']);
    expect(new Set(replies.map((r) => r.replyId)).size).toBe(3);
  });

  it('setVolume stores volume and mute; a muted receiver plays at volume 0', async () => {
    const { service, state, started, finish } = await setup();
    const r = await service.handle({
      v: 1,
      id: 'v1',
      ts: T,
      expiresAt: T + 1,
      type: 'setVolume',
      volume: 35,
      muted: true,
    });
    expect(r).toMatchObject({ ok: true, result: { volume: 35, muted: true } });
    expect(state.get()).toMatchObject({ volume: 35, muted: true });
    const p = service.handle(play('c1', 'a', { volume: 90 }));
    finish(sha('a'));
    await p;
    expect(started[0]?.volume).toBe(0);
  });
});
