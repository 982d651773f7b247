import type { Player } from './player.js';
import { nullPlayerArgs } from './player-args.js';
import { startSupervisedProcess } from './supervised-process.js';

/**
 * Plays nothing audible but takes the file's real duration: for receivers without a sound card,
 * the fleet simulator and tests. Volume is irrelevant to it.
 */
export function createNullPlayer(opts: { ffmpegPath: string; killTimeoutMs?: number }): Player {
  return {
    play: (file, { offsetMs }) =>
      startSupervisedProcess({
        command: opts.ffmpegPath,
        args: nullPlayerArgs(file, { offsetMs }),
        killTimeoutMs: opts.killTimeoutMs,
      }),
  };
}
