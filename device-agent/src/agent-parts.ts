import type { Logger } from 'pino';
import type { AgentEvents } from './agent-events.js';
import type { LocalParts } from './agent-local.js';
import type { ServerClock } from './clock/server-clock.js';
import type { CommandService } from './commands/command.service.js';
import type { AgentConfig } from './config.js';
import type { MqttConnection } from './connection/mqtt-connection.js';
import type { EmergencyService } from './emergency/emergency.service.js';
import type { FmFallback } from './fm/fm-fallback.js';
import type { HealthProbe } from './health.js';
import type { HeartbeatService } from './heartbeat.service.js';
import type { PlaybackService } from './playback/playback.service.js';
import type { Player } from './players/player.js';
import type { Scheduler } from './schedule/scheduler.js';

/** Everything one running agent is made of. The parts call each other through it. */
export interface Running extends LocalParts {
  clock: ServerClock;
  fm: FmFallback;
  playback: PlaybackService;
  commands: CommandService;
  connection: MqttConnection;
  heartbeat: HeartbeatService;
  schedule: Scheduler;
  emergency: EmergencyService;
}

export type Emit = <K extends keyof AgentEvents>(event: K, ...args: AgentEvents[K]) => void;

/** What building the parts needs from the agent around them. */
export interface AgentContext {
  config: AgentConfig;
  log: Logger;
  emit: Emit;
  agentVersion: string;
  health: HealthProbe;
  player: Player;
  /** No sound card behind the player: an emergency stream is pulled, not decoded. */
  simulatedAudio: boolean;
  /** The device's own clock (plus `clockSkewMs`). */
  localNow: () => number;
  random?: () => number;
  /** After a `reboot` reply: flush the outbox, run the reboot hook. */
  reboot: () => Promise<void>;
  /** After a `restartAgent` reply: stop cleanly and be started again. */
  restart: () => Promise<void>;
}

/** Settings in force: what the server set remotely wins over the config file. */
export function effectiveSettings(r: Pick<Running, 'store'>, config: AgentConfig) {
  const s = r.store.get().settings;
  return {
    heartbeatIntervalS: s.heartbeatIntervalS ?? config.heartbeatIntervalS,
    fmFallbackDelayS: s.fmFallbackDelayS ?? config.fmFallbackDelayS,
  };
}
