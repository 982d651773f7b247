import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PlaybackRefused } from '../playback/playback.service.js';
import { item, playlist, setup, T0 } from './scheduler.fixture.js';

const live = (playId: string, priority: 1 | 2 | 3, commandId?: string) => ({
  playId,
  ...(commandId ? { commandId } : {}),
  sha256: 'b'.repeat(64),
  file: '/b',
  volume: 60,
  priority,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Issue 6 item 4 and mission.md §3: live plays against the programme on the receiver. */
describe('scheduler against live plays', () => {
  it('a live play of a lower level does not interrupt a scheduled item', async () => {
    const { scheduler, playback, plays, logs, events } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 1_000, 2, 30_000)]));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(plays).toHaveLength(1);
    expect(() => playback.play(live('chat', 3, 'c1'))).toThrow(PlaybackRefused);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(plays).toHaveLength(1);
    expect(logs.find((l) => l.playId === 'chat')).toMatchObject({
      event: 'skipped',
      reason: 'refused: normal may not interrupt scheduled item k1 (priority)',
    });
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(events()).toEqual(['chat:skipped', 'k1:started', 'k1:finished']);
    scheduler.stop();
  });

  it('an emergency interrupts it, is named, and the item comes back where the programme has got to', async () => {
    const { scheduler, playback, plays, logs } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 1_000, 3, 60_000)]));
    await vi.advanceTimersByTimeAsync(11_000);
    // Emergency handling plays without a command id: its end must free the air all the same.
    playback.play(live('alarm', 1));
    await vi.advanceTimersByTimeAsync(1);
    expect(logs.find((l) => l.playId === 'k1' && l.event === 'interrupted')?.reason).toBe(
      'interrupted by emergency live play alarm',
    );
    await vi.advanceTimersByTimeAsync(20_000);
    expect(plays).toHaveLength(2);
    plays[1]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(plays).toHaveLength(3);
    expect(plays[2]!.offsetMs).toBe(plays[2]!.at - (T0 + 1_000));
    expect(plays[2]!.offsetMs).toBeGreaterThanOrEqual(30_000);
    plays[2]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    const k1 = logs.filter((l) => l.playId === 'k1').map((l) => l.event);
    expect(k1).toEqual(['started', 'interrupted', 'started', 'finished']);
    expect(logs.findLast((l) => l.playId === 'k1')?.reason).toMatch(
      /^back on air at 3\d\.\d s into the item after it was interrupted by emergency live play alarm$/,
    );
    scheduler.stop();
  });

  it('an item whose window closed under the interruption stays `interrupted`; the next item plays on time', async () => {
    const { scheduler, playback, plays, logs, store } = setup();
    scheduler.start();
    scheduler.onPlaylist(
      playlist([item('k1', T0 + 1_000, 3, 20_000), item('k2', T0 + 40_000, 3, 20_000), item('k3', T0 + 80_000)]),
    );
    await vi.advanceTimersByTimeAsync(6_000);
    playback.play(live('alarm', 1, 'c9'));
    // The emergency outlasts k1's window and ends in the gap before k2.
    await vi.advanceTimersByTimeAsync(25_000);
    plays[1]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(plays).toHaveLength(2);
    expect(store.started('k1')?.ended).toBe(true);
    await vi.advanceTimersByTimeAsync(40_000 - 31_001);
    expect(plays).toHaveLength(3);
    expect(plays[2]).toMatchObject({ at: T0 + 40_000, offsetMs: 0 });
    expect(logs.filter((l) => l.playId === 'k1').map((l) => l.event)).toEqual(['started', 'interrupted']);
    scheduler.stop();
  });

  it('a live play of the same level holds the next item back; it joins when the play ends', async () => {
    const { scheduler, playback, plays, events } = setup();
    scheduler.start();
    scheduler.onPlaylist(playlist([item('k1', T0 + 5_000, 2, 60_000)]));
    playback.play(live('news', 2, 'c1'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(plays).toHaveLength(1);
    plays[0]!.end('finished');
    await vi.advanceTimersByTimeAsync(1);
    expect(plays[1]!.offsetMs).toBe(plays[1]!.at - (T0 + 5_000));
    expect(events()).toEqual(['news:started', 'news:finished', 'k1:started']);
    scheduler.stop();
  });
});
