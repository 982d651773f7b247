import { randomUUID } from 'node:crypto';
import { encodeForDevice } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { AppServices } from '../../app.js';
import type { Config } from '../../config.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { DesiredStateService } from '../devices/desired-state.service.js';

/**
 * Routes what receivers publish (clock samples, events, replies) to the services that handle it.
 */
export function wireDeviceMessages(deps: {
  mqtt: ServerMqtt;
  services: AppServices;
  desired: DesiredStateService;
  config: Config;
  log: Logger;
  /** The server clock receivers synchronise to (server.ts should pass its own `clock`). */
  clock?: () => number;
}): () => void {
  const { mqtt, services: s, log } = deps;
  const clock = deps.clock ?? Date.now;

  // NTP-style clock sync (protocols README, "Server time"): answered at once, t1 on receipt, t2 just
  // before publishing, so the receiver can subtract the time the server spent on it.
  mqtt.on('timeRequest', ({ deviceId, message }) => {
    const t1 = clock();
    if (!deviceId) return;
    const t2 = clock();
    const res = { v: 1 as const, id: randomUUID(), ts: t2, requestId: message.id, t0: message.t0, t1, t2 };
    mqtt.publish(encodeForDevice('timeResponse', deviceId, res)).catch((err) => {
      log.debug({ err, deviceId }, 'time response not sent');
    });
  });
  mqtt.on('event', ({ deviceId, message }) => {
    if (!deviceId) return;
    log.debug({ deviceId, event: message.type, eventId: message.id }, message.message ?? 'device event');
    s.deviceEvents.ingest(deviceId, message);
  });

  mqtt.on('reply', ({ deviceId, message }) => {
    if (deviceId) s.commands.onReply(deviceId, message);
  });

  // Presence, heartbeats and playback logs go through the monitoring module's ingest (monitoring.ts).
  return () => {};
}
