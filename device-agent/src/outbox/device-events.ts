import { randomUUID } from 'node:crypto';
import { type DeviceEvent, encodeForDevice, type Outgoing, type Reply } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { Outbox } from './outbox.js';

export type EventData = NonNullable<DeviceEvent['data']>;

export interface DeviceEvents {
  /**
   * Records an event through the outbox. `telemetry` marks a sample that is dropped first when the
   * outbox is full (README, "What is dropped first").
   */
  send(type: string, level: DeviceEvent['level'], message?: string, data?: EventData, telemetry?: boolean): void;
  /** Command replies go through the outbox too: a reply to a reboot must reach the server. */
  reply(reply: Reply): void;
}

export function createDeviceEvents(opts: {
  deviceId: string;
  outbox: Outbox;
  logger: Logger;
  now: () => number;
}): DeviceEvents {
  const enqueue = (id: string, cls: 'event' | 'telemetry', build: () => Outgoing) => {
    try {
      opts.outbox.enqueue(id, cls, build());
    } catch (err) {
      // encode() refused it: our own bug, reported, never thrown into a timer or a hook callback.
      opts.logger.error({ err, id }, 'event does not match the contract, dropped');
    }
  };
  return {
    send(type, level, message, data, telemetry = false) {
      const event: DeviceEvent = {
        v: 1,
        id: randomUUID(),
        ts: opts.now(),
        type,
        level,
        ...(message !== undefined ? { message: message.slice(0, 500) } : {}),
        ...(data !== undefined ? { data } : {}),
      };
      opts.logger[level]({ event: type, data }, message ?? type);
      enqueue(event.id, telemetry ? 'telemetry' : 'event', () => encodeForDevice('event', opts.deviceId, event));
    },
    reply(reply) {
      enqueue(reply.replyId, 'event', () => encodeForDevice('reply', opts.deviceId, reply));
    },
  };
}
