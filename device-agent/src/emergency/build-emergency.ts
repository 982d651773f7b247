import type { AgentContext, Running } from '../agent-parts.js';
import { createEmergencyService, type EmergencyService } from './emergency.service.js';
import { createEmergencySeen } from './emergency-seen.js';
import { alsaStreamSink, createStreamPlayer } from './stream-player.js';

/** Wires the emergency player into a running agent (agent-build.ts calls it once playback exists). */
export function buildEmergency(r: Running, ctx: AgentContext, clockReady: () => Promise<unknown>): EmergencyService {
  const { config } = ctx;
  const device = { username: config.deviceId, password: config.secret };
  return createEmergencyService({
    playback: r.playback,
    media: r.media,
    report: (type, level, data) => r.events.send(type, level, undefined, data),
    now: r.clock.serverNow,
    clockReady,
    seen: createEmergencySeen(r.db),
    beforePlay: () => r.fm.yieldToPlayback(),
    logger: ctx.log,
    streamPlayer: (source, onFirstBytes) =>
      createStreamPlayer({
        auth: source.auth === 'device' ? device : undefined,
        onFirstBytes,
        sink: ctx.simulatedAudio ? undefined : (volume) => alsaStreamSink(config.ffmpegPath, config.alsaDevice, volume),
      }),
  });
}
