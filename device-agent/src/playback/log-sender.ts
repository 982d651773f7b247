import { encodeForDevice, type Outgoing, type PlaybackLog } from '@nguon/protocols';
import type { Logger } from 'pino';

export interface LogSender {
  /** Resolves when the broker acknowledged the log or it was parked for a retry; never rejects. */
  send(log: PlaybackLog): Promise<void>;
  /** Re-sends parked logs; called on every (re)connect. */
  retryParked(): void;
  parkedCount(): number;
}

export interface LogSenderOptions {
  deviceId: string;
  publish: (out: Outgoing) => Promise<void>;
  logger: Logger;
  /** Bound on parked logs so months offline cannot exhaust memory. */
  maxParked?: number;
}

/**
 * The single door every playback log goes through (issue: an on-disk outbox will replace the in-memory
 * parking here without touching callers). MQTT.js already keeps unacknowledged QoS 1 messages across our
 * reconnects; a publish that still fails is parked and re-sent on the next connect. The server drops
 * duplicates by log id, so a re-send is always safe.
 */
export function createLogSender(opts: LogSenderOptions): LogSender {
  const maxParked = opts.maxParked ?? 1_000;
  const parked = new Map<string, Outgoing>();
  // A flapping link calls retryParked often: one publish per log at a time is enough.
  const inflight = new Set<string>();

  const attempt = async (id: string, out: Outgoing): Promise<void> => {
    if (inflight.has(id)) return;
    inflight.add(id);
    try {
      await opts.publish(out);
      parked.delete(id);
    } catch (err) {
      if (!parked.has(id) && parked.size >= maxParked) {
        const oldest = parked.keys().next().value;
        if (oldest !== undefined) parked.delete(oldest);
        opts.logger.warn({ droppedLogId: oldest }, 'playback log parking full, dropped the oldest');
      }
      parked.set(id, out);
      opts.logger.warn({ err, logId: id }, 'playback log not acknowledged, parked for retry');
    } finally {
      inflight.delete(id);
    }
  };

  return {
    send(log) {
      let out: Outgoing;
      try {
        out = encodeForDevice('playbackLog', opts.deviceId, log);
      } catch (err) {
        // Our own bug (a field out of contract): report it, do not crash the player.
        opts.logger.error({ err, log }, 'playback log does not match the contract, dropped');
        return Promise.resolve();
      }
      return attempt(log.id, out);
    },
    retryParked() {
      for (const [id, out] of [...parked]) void attempt(id, out);
    },
    parkedCount: () => parked.size,
  };
}
