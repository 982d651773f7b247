import { randomUUID } from 'node:crypto';
import { ancestorPaths, encodeForDevice } from '@nguon/protocols';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { DevicesService } from './devices.service.js';

/**
 * Desired state is retained per device. It is published on every change and again whenever the
 * device comes online, because the embedded broker keeps retained messages only in memory.
 */
export function createDesiredStateService(deps: { devices: DevicesService; mqtt: ServerMqtt; clock: () => number }) {
  return {
    async publish(deviceId: string): Promise<void> {
      const d = deps.devices.get(deviceId);
      if (d.revokedAt !== null) return;
      await deps.mqtt.publish(
        encodeForDevice('desired', deviceId, {
          v: 1,
          id: randomUUID(),
          ts: deps.clock(),
          version: d.desiredVersion,
          volume: d.volume,
          muted: d.muted,
          areas: ancestorPaths(deps.devices.areaPath(deviceId)),
        }),
      );
    },
  };
}
export type DesiredStateService = ReturnType<typeof createDesiredStateService>;
