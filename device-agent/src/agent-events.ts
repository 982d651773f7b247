import type { Command, DecodeErrorCode, DesiredState, Heartbeat, PlaybackLog, Reply } from '@nguon/protocols';
import type { ClockSample } from './clock/clock-math.js';
import type { NowPlaying } from './playback/playback.service.js';

/** Every event a running agent emits, with its payload. Listeners that throw are logged, never fatal. */
export type AgentEvents = {
  /** Subscribed and presence `online` published for this connection. */
  connected: [{ session: string }];
  disconnected: [];
  /** A command was handled and `reply` was sent (or attempted). */
  command: [{ command: Command; reply: Reply; source: 'device' | 'area' }];
  /** A playback log was handed to the sender (before the broker acknowledged it). */
  playback: [PlaybackLog];
  heartbeat: [Heartbeat];
  /** A desired state arrived; `applied` is false when its version was not newer. */
  desired: [{ desired: DesiredState; applied: boolean }];
  /** A clock sync round finished; `offsetMs` is server minus device clock. */
  clockSynced: [ClockSample];
  /** An incoming message that was logged and dropped. */
  dropped: [{ topic: string; code: DecodeErrorCode | 'unexpected'; message: string }];
  stopped: [];
};

export interface AgentState {
  deviceId: string;
  running: boolean;
  connected: boolean;
  session: string | null;
  volume: number;
  muted: boolean;
  areas: string[][];
  desiredVersion: number;
  playing: NowPlaying | null;
  /** Logs, events and replies in the on-disk outbox not yet acknowledged by the broker. */
  parkedLogs: number;
  outboxFull: boolean;
  /** Server minus device clock from the last sync; null before the first. */
  clockOffsetMs: number | null;
  fmActive: boolean;
}
