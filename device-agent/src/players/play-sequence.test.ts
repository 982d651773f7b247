import { describe, expect, it } from 'vitest';
import { partAt, playSequence } from './play-sequence.js';
import type { Player, PlayResult } from './player.js';

/** Records each play; each ends when the test says so. */
function manualPlayer() {
  const plays: { file: string; offsetMs?: number; end: (r: PlayResult) => void; stopped: boolean }[] = [];
  const player: Player = {
    play(file, { offsetMs }) {
      let end!: (r: PlayResult) => void;
      const done = new Promise<PlayResult>((resolve) => {
        end = resolve;
      });
      const entry = { file, offsetMs, end, stopped: false };
      plays.push(entry);
      return {
        done,
        stop: () => {
          entry.stopped = true;
          end({ outcome: 'stopped', playedMs: 1 });
        },
      };
    },
  };
  return { player, plays };
}

const parts = [
  { file: 'a', durationMs: 1_000 },
  { file: 'b', durationMs: 2_000 },
  { file: 'c', durationMs: 3_000 },
];
const tick = () => new Promise((r) => setImmediate(r));

describe('play sequence', () => {
  it('finds the part an offset falls in', () => {
    expect(partAt(parts, 0)).toEqual({ index: 0, offsetMs: 0 });
    expect(partAt(parts, 2_500)).toEqual({ index: 1, offsetMs: 1_500 });
    expect(partAt(parts, 3_000)).toEqual({ index: 2, offsetMs: 0 });
    expect(partAt(parts, 6_000)).toBeNull();
  });

  it('starts the first file at once, at the offset, and plays the rest from their start', async () => {
    const { player, plays } = manualPlayer();
    const handle = playSequence(player, parts, { volume: 50, offsetMs: 1_500 });
    expect(plays.map((p) => [p.file, p.offsetMs])).toEqual([['b', 500]]);
    plays[0]!.end({ outcome: 'finished', playedMs: 1_500 });
    await tick();
    expect(plays.map((p) => [p.file, p.offsetMs])).toEqual([
      ['b', 500],
      ['c', undefined],
    ]);
    plays[1]!.end({ outcome: 'finished', playedMs: 3_000 });
    expect(await handle.done).toEqual({ outcome: 'finished', playedMs: 4_500 });
  });

  it('stops the file playing and starts no other', async () => {
    const { player, plays } = manualPlayer();
    const handle = playSequence(player, parts, { volume: 50 });
    handle.stop();
    expect(await handle.done).toMatchObject({ outcome: 'stopped' });
    expect(plays).toHaveLength(1);
  });

  it('ends a failure with the failed file’s reason', async () => {
    const { player, plays } = manualPlayer();
    const handle = playSequence(player, parts, { volume: 50 });
    plays[0]!.end({ outcome: 'failed', playedMs: 3, reason: 'exit code 1' });
    expect(await handle.done).toEqual({ outcome: 'failed', playedMs: 3, reason: 'exit code 1' });
    expect(plays).toHaveLength(1);
  });

  it('past the end there is nothing to play', async () => {
    const { player, plays } = manualPlayer();
    expect(await playSequence(player, parts, { volume: 50, offsetMs: 9_000 }).done).toMatchObject({
      outcome: 'finished',
      playedMs: 0,
    });
    expect(plays).toHaveLength(0);
  });
});
