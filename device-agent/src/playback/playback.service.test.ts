import type { PlaybackLog } from '@nguon/protocols';
import { describe, expect, it } from 'vitest';
import type { Player, PlayResult } from '../players/player.js';
import { createPlaybackService, type PlayRequest } from './playback.service.js';

/** An in-memory player whose playbacks the test ends by hand (no timers, no processes). */
function createManualPlayer() {
  const plays: { file: string; volume: number; end: (r: Omit<PlayResult, 'playedMs'>) => void }[] = [];
  const player: Player = {
    play(file, { volume }) {
      let resolve!: (r: PlayResult) => void;
      const done = new Promise<PlayResult>((r) => {
        resolve = r;
      });
      let ended = false;
      const end = (r: Omit<PlayResult, 'playedMs'>) => {
        if (ended) return;
        ended = true;
        resolve({ ...r, playedMs: 1234 });
      };
      plays.push({ file, volume, end });
      return { done, stop: () => end({ outcome: 'stopped' }) };
    },
  };
  return { player, plays };
}

const req = (playId: string): PlayRequest => ({
  playId,
  commandId: `c-${playId}`,
  sha256: 'a'.repeat(64),
  file: `/cache/${playId}.mp3`,
  volume: 60,
});

function setup() {
  const { player, plays } = createManualPlayer();
  const logs: PlaybackLog[] = [];
  let waiters: (() => void)[] = [];
  const service = createPlaybackService({
    player,
    now: () => 1_000,
    sendLog: async (log) => {
      logs.push(log);
      for (const w of waiters) w();
      waiters = [];
    },
  });
  const logged = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (logs.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { service, plays, logs, logged };
}

describe('playback service', () => {
  it('logs started then finished with the measured time', async () => {
    const { service, plays, logs, logged } = setup();
    service.play(req('p1'));
    expect(plays[0]).toMatchObject({ file: '/cache/p1.mp3', volume: 60 });
    expect(service.current()?.playId).toBe('p1');
    plays[0]?.end({ outcome: 'finished' });
    await logged(2);
    expect(logs.map((l) => l.event)).toEqual(['started', 'finished']);
    expect(logs[1]).toMatchObject({
      playId: 'p1',
      commandId: 'c-p1',
      startedAt: 1_000,
      endedAt: 1_000,
      playedMs: 1234,
    });
    expect(new Set(logs.map((l) => l.id)).size).toBe(2);
    expect(service.current()).toBeNull();
  });

  it('a new play interrupts the current one', async () => {
    const { service, logs, logged } = setup();
    service.play(req('p1'));
    service.play(req('p2'));
    await logged(3);
    expect(logs.map((l) => `${l.playId}:${l.event}`)).toEqual(['p1:started', 'p2:started', 'p1:interrupted']);
    expect(logs[2]?.reason).toContain('p2');
    expect(service.current()?.playId).toBe('p2');
  });

  it('stop only stops the named playback and logs stopped', async () => {
    const { service, logs, logged } = setup();
    service.play(req('p1'));
    expect(service.stop({ playId: 'other' })).toBe(false);
    expect(service.stop({ reason: 'stop command' })).toBe(true);
    await logged(2);
    expect(logs[1]).toMatchObject({ event: 'stopped', reason: 'stop command' });
    expect(service.stop()).toBe(false);
  });

  it('logs a player failure with its reason', async () => {
    const { service, plays, logs, logged } = setup();
    service.play(req('p1'));
    plays[0]?.end({ outcome: 'failed', reason: 'exit code 1: no card' });
    await logged(2);
    expect(logs[1]).toMatchObject({ event: 'failed', reason: 'exit code 1: no card' });
  });

  it('stopAll waits for the final log and refuses later plays', async () => {
    const { service, logs } = setup();
    service.play(req('p1'));
    await service.stopAll('agent stopping');
    expect(logs.map((l) => l.event)).toEqual(['started', 'stopped']);
    expect(() => service.play(req('p2'))).toThrow(/shut down/);
  });
});
