import type { Player } from './player.js';
import { alsaPlayerArgs } from './player-args.js';
import { startSupervisedProcess } from './supervised-process.js';

/** Plays through ALSA, the sound stack of a Raspberry-Pi-class receiver. */
export function createAlsaPlayer(opts: { ffmpegPath: string; alsaDevice: string; killTimeoutMs?: number }): Player {
  return {
    play: (file, { volume, offsetMs }) =>
      startSupervisedProcess({
        command: opts.ffmpegPath,
        args: alsaPlayerArgs(file, { volume, offsetMs, alsaDevice: opts.alsaDevice }),
        killTimeoutMs: opts.killTimeoutMs,
      }),
  };
}
