import type { Player, PlayHandle, PlayOptions, PlayResult } from './player.js';

export interface PlayPart {
  file: string;
  durationMs: number;
}

/** Which part `offsetMs` (into the whole sequence) falls in, and how far into it; null past the end. */
export function partAt(
  parts: readonly { durationMs: number }[],
  offsetMs: number,
): { index: number; offsetMs: number } | null {
  let rest = Math.max(0, offsetMs);
  for (let i = 0; i < parts.length; i++) {
    const d = parts[i]!.durationMs;
    if (rest < d) return { index: i, offsetMs: rest };
    rest -= d;
  }
  return null;
}

/**
 * One handle over files played back to back (a bulletin of several items), started `offsetMs` into the
 * whole. The first file starts synchronously, within this call, so a caller timing the start to the
 * millisecond is not delayed by a promise turn.
 */
export function playSequence(player: Player, parts: readonly PlayPart[], opts: PlayOptions): PlayHandle {
  const first = partAt(parts, opts.offsetMs ?? 0);
  if (!first) return { done: Promise.resolve({ outcome: 'finished', playedMs: 0 }), stop: () => {} };
  const only = parts.length === 1;
  if (only) return player.play(parts[0]!.file, { volume: opts.volume, offsetMs: first.offsetMs });
  let stopped = false;
  let current = player.play(parts[first.index]!.file, { volume: opts.volume, offsetMs: first.offsetMs });

  async function run(): Promise<PlayResult> {
    let playedMs = 0;
    for (let i = first!.index; ; ) {
      const r = await current.done;
      playedMs += r.playedMs;
      if (r.outcome !== 'finished') return { ...r, playedMs };
      i += 1;
      if (i >= parts.length) return { outcome: 'finished', playedMs };
      if (stopped) return { outcome: 'stopped', playedMs };
      current = player.play(parts[i]!.file, { volume: opts.volume });
    }
  }

  return {
    done: run(),
    stop() {
      stopped = true;
      current.stop();
    },
  };
}
