import { randomUUID } from 'node:crypto';
import { encodeForDevice, type Heartbeat, type Outgoing } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import type { Logger } from 'pino';

export interface HeartbeatService {
  /** Call on every connect: sends a heartbeat at once, then one per interval. */
  onConnect(): void;
  /** Sends a heartbeat now (`reportNow`); resolves once it was published or skipped. */
  beatNow(): Promise<void>;
  /** Changes the interval live (`setConfig`); the next heartbeat follows the new one. */
  setIntervalMs(ms: number): void;
  stop(): void;
}

export interface HeartbeatOptions {
  deviceId: string;
  intervalMs: number;
  collect: () => Promise<Health>;
  publish: (out: Outgoing) => Promise<void>;
  /** The current session while connected, else null: heartbeats are skipped while offline. */
  session: () => string | null;
  onSent?: (hb: Heartbeat) => void;
  logger: Logger;
  now?: () => number;
}

/** `seq` grows by one per heartbeat within a session (the contract), restarting at 0 on every connection. */
export function createHeartbeatService(opts: HeartbeatOptions): HeartbeatService {
  const now = opts.now ?? Date.now;
  let intervalMs = opts.intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let seqSession: string | null = null;
  let seq = 0;
  let busy = false;
  let stopped = false;

  async function beat(): Promise<void> {
    const session = opts.session();
    // A slow filesystem must not pile up overlapping heartbeats.
    if (!session || busy) return;
    busy = true;
    try {
      if (session !== seqSession) {
        seqSession = session;
        seq = 0;
      }
      const hb: Heartbeat = { v: 1, id: randomUUID(), ts: now(), seq: seq++, session, health: await opts.collect() };
      await opts.publish(encodeForDevice('heartbeat', opts.deviceId, hb));
      opts.onSent?.(hb);
    } catch (err) {
      opts.logger.warn({ err }, 'heartbeat not sent');
    } finally {
      busy = false;
    }
  }

  const restartTimer = () => {
    clearInterval(timer);
    timer = setInterval(() => void beat(), intervalMs);
  };

  return {
    onConnect() {
      if (stopped) return;
      void beat();
      restartTimer();
    },
    beatNow: () => beat(),
    setIntervalMs(ms) {
      intervalMs = ms;
      if (timer && !stopped) restartTimer();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
    },
  };
}
