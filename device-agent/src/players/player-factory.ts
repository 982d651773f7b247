import type { AgentConfig } from '../config.js';
import type { Player } from './player.js';
import { createAlsaPlayer } from './player-alsa.js';
import { createNullPlayer } from './player-null.js';

export function createPlayerFromConfig(config: Pick<AgentConfig, 'player' | 'ffmpegPath' | 'alsaDevice'>): Player {
  return config.player === 'null'
    ? createNullPlayer({ ffmpegPath: config.ffmpegPath })
    : createAlsaPlayer({ ffmpegPath: config.ffmpegPath, alsaDevice: config.alsaDevice });
}
