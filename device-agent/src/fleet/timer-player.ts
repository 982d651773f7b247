import type { Player, PlayHandle, PlayResult } from '../players/player.js';
import { readMp3DurationMs } from './mp3-duration.js';

export interface TimerPlayerOptions {
  /** Where the duration comes from; the default reads the mp3's first frame (mp3-duration.ts). */
  durationOf?: (file: string) => Promise<number>;
  /** Monotonic milliseconds, for playedMs; a skewed wall clock must not change how long a bulletin lasts. */
  monotonicMs?: () => number;
}

/**
 * A player that "plays" for the file's duration on a timer: thousands of simulated receivers in one
 * process cannot each run an ffmpeg decoder (the `null` player does). The Player interface hands us only
 * the file, not the play command, so the duration is read from the (downloaded and sha256-verified)
 * mp3 itself. A file that is not mp3 fails, as the decoder would.
 */
export function createTimerPlayer(opts: TimerPlayerOptions = {}): Player {
  const durationOf = opts.durationOf ?? readMp3DurationMs;
  const clock = opts.monotonicMs ?? (() => performance.now());
  return {
    play(file, playOpts): PlayHandle {
      // Joining an item mid-way (late, or resumed after a restart) plays only what is left of it.
      const offsetMs = Math.max(0, playOpts.offsetMs ?? 0);
      const startedAt = clock();
      let timer: NodeJS.Timeout | undefined;
      let ended = false;
      let settle: (r: Omit<PlayResult, 'playedMs'>) => void = () => {};
      const done = new Promise<PlayResult>((resolve) => {
        settle = (r) => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          resolve({ ...r, playedMs: Math.max(0, clock() - startedAt) });
        };
      });
      durationOf(file).then(
        (ms) => {
          // Stopped while the duration was being read: no timer may outlive the playback.
          if (!ended) timer = setTimeout(() => settle({ outcome: 'finished' }), Math.max(0, ms - offsetMs));
        },
        (err: Error) => settle({ outcome: 'failed', reason: `timer player: ${err.message}`.slice(0, 400) }),
      );
      return { done, stop: () => settle({ outcome: 'stopped' }) };
    },
  };
}
