import type { PlaybackLog } from '@nguon/protocols';
import { describe, expect, it, vi } from 'vitest';
import type { Player, PlayResult } from '../players/player.js';
import { admits, createPlaybackService, PlaybackRefused, type PlayRequest } from './playback.service.js';

/** An in-memory player whose playbacks the test ends by hand (no timers, no processes). */
function createManualPlayer() {
  const plays: { file: string; volume: number; offsetMs?: number; end: (r: Omit<PlayResult, 'playedMs'>) => void }[] =
    [];
  const player: Player = {
    play(file, { volume, offsetMs }) {
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
      plays.push({ file, volume, offsetMs, end });
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
    expect(logs[2]?.reason).toBe('interrupted by live play p2 (command c-p2)');
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

  it('names an emergency live play in the reason of the scheduled item it interrupts', async () => {
    const { service, logs, logged } = setup();
    service.play({ ...req('s1r1t5'), commandId: undefined, scheduled: true, priority: 3 });
    expect(service.current()).toMatchObject({ playId: 's1r1t5', scheduled: true, priority: 3 });
    service.play({ ...req('live'), priority: 1 });
    await logged(3);
    expect(logs[2]).toMatchObject({ playId: 's1r1t5', event: 'interrupted' });
    expect(logs[2]?.commandId).toBeUndefined();
    expect(logs[2]?.reason).toBe('interrupted by emergency live play live (command c-live)');
  });

  it('refuses a live play of a lower level than what is on air, logging it skipped with the reason', async () => {
    const { service, plays, logs, logged } = setup();
    service.play({ ...req('s1r1t5'), commandId: undefined, scheduled: true, priority: 2 });
    const normal = { playId: 'live', priority: 3 as const, scheduled: false };
    expect(admits(service, normal)).toMatchObject({ ok: false, code: 'lower_priority' });
    expect(() => service.play({ ...req('live'), priority: 3 })).toThrow(PlaybackRefused);
    await logged(2);
    expect(logs.map((l) => `${l.playId}:${l.event}`)).toEqual(['s1r1t5:started', 'live:skipped']);
    expect(logs[1]).toMatchObject({
      commandId: 'c-live',
      reason: 'refused: normal may not interrupt scheduled item s1r1t5 (priority)',
    });
    // What was on air plays on, untouched.
    expect(plays).toHaveLength(1);
    expect(service.current()?.playId).toBe('s1r1t5');
    // The same level may interrupt it.
    expect(admits(service, { ...normal, priority: 2 })).toEqual({ ok: true });
    service.play({ ...req('live2'), priority: 2 });
    await logged(4);
    expect(logs[3]).toMatchObject({ playId: 's1r1t5', event: 'interrupted' });
    expect(logs[3]?.reason).toBe('interrupted by priority live play live2 (command c-live2)');
  });

  it('starts at an offset, writes `started` after a delay and still logs it before the ending', async () => {
    vi.useFakeTimers();
    try {
      const { service, plays, logs } = setup();
      service.play({ ...req('p1'), offsetMs: 4_000, startedLogDelayMs: 500, note: 'joined at 4.0 s' });
      expect(plays[0]).toMatchObject({ offsetMs: 4_000 });
      expect(logs).toEqual([]);
      plays[0]?.end({ outcome: 'finished' });
      await vi.advanceTimersByTimeAsync(499);
      expect(logs).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(logs.map((l) => [l.event, l.reason])).toEqual([
        ['started', 'joined at 4.0 s'],
        ['finished', 'joined at 4.0 s'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a resumed playback keeps its original start and logs no second `started`', async () => {
    const ended: string[] = [];
    const { service, plays, logs, logged } = setup();
    service.play({ ...req('p1'), resumeOf: { startedAt: 400 }, onEnded: (l) => ended.push(l.event) });
    expect(service.current()?.startedAt).toBe(400);
    plays[0]?.end({ outcome: 'finished' });
    await logged(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ event: 'finished', startedAt: 400 });
    await vi.waitFor(() => expect(ended).toEqual(['finished']));
  });
});
