import { randomUUID } from 'node:crypto';
import { encodeForDevice } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { AppServices } from '../../app.js';
import type { Config } from '../../config.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { DesiredStateService } from '../devices/desired-state.service.js';

/**
 * Routes what receivers publish to the services that store it, and runs the heartbeat-timeout sweep.
 * Returns a function that stops the sweep.
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

  mqtt.on('presence', ({ deviceId, message }) => {
    if (!deviceId) return;
    if (s.deviceStatus.onPresence(deviceId, message)) {
      deps.desired.publish(deviceId).catch((err) => log.warn({ err, deviceId }, 'desired state not sent'));
    }
  });
  mqtt.on('heartbeat', ({ deviceId, message }) => {
    if (deviceId) s.deviceStatus.onHeartbeat(deviceId, message);
  });
  mqtt.on('playbackLog', ({ deviceId, message }) => {
    if (deviceId) s.playbackLogs.ingest(deviceId, message);
  });
  mqtt.on('reply', ({ deviceId, message }) => {
    if (deviceId) s.commands.onReply(deviceId, message);
  });

  const timeoutMs = deps.config.devices.heartbeatTimeoutMs;
  const timer = setInterval(
    () => {
      const n = s.deviceStatus.sweep(timeoutMs);
      if (n > 0) log.info({ count: n }, 'receivers marked offline after heartbeat timeout');
    },
    Math.max(1000, Math.floor(timeoutMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
