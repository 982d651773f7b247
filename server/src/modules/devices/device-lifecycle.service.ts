import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { AppError } from '../../errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { DesiredStateService } from './desired-state.service.js';
import type { Device, DevicePatch, DevicesService } from './devices.service.js';

export interface DeviceLifecycleDeps {
  db: Db;
  devices: DevicesService;
  groups: Pick<GroupsService, 'dropOutside'>;
  desired: Pick<DesiredStateService, 'publish'>;
  /** Drops the receiver's live MQTT session; false when it has none (or the broker is external). */
  disconnect: (deviceId: string) => boolean;
  clock: () => number;
  log: Logger;
}

/**
 * Operator actions on a registered receiver that reach past the database: each one ends its live MQTT
 * session, because the broker checks a secret only at connect, and subscriptions granted under the old
 * unit last as long as the (clean) session does.
 */
export function createDeviceLifecycle(deps: DeviceLifecycleDeps) {
  const { db, devices, groups, desired, disconnect, log } = deps;

  return {
    /**
     * Edits a receiver. A move also leaves groups outside the new unit (same transaction), sends the new
     * desired state (its area topics), then drops the session so no subscription to the old area survives
     * even if the agent never unsubscribes; on reconnect it subscribes to what the desired state names.
     */
    async edit(id: string, patch: DevicePatch): Promise<{ device: Device; moved: boolean; leftGroups: number[] }> {
      const result = db.transaction(() => {
        const { device, moved } = devices.update(id, patch);
        return { device, moved, leftGroups: moved ? groups.dropOutside(id, device.unitId) : [] };
      });
      if (result.moved) {
        // The move is committed either way; a missed publish is repeated when the receiver comes online.
        await desired.publish(id).catch((err: unknown) => log.warn({ err, deviceId: id }, 'desired state not sent'));
        disconnect(id);
        log.info(
          { deviceId: id, unitId: result.device.unitId },
          'device moved; session dropped so old-area subscriptions end',
        );
      }
      return result;
    },

    /** Issues a new secret (returned once); the old one is refused at once and its live session is ended. */
    rotate(id: string): string {
      if (devices.get(id).revokedAt !== null)
        throw new AppError('conflict', `device ${id} is revoked; register it again instead`);
      const secret = devices.rotateSecret(id);
      const dropped = disconnect(id);
      log.info({ deviceId: id, dropped }, 'device credentials rotated');
      return secret;
    },

    /** Revokes a receiver for good: it is disconnected now, and verify() refuses it from then on. */
    revoke(id: string): Device {
      const device = devices.revoke(id, deps.clock());
      const dropped = disconnect(id);
      log.info({ deviceId: id, dropped }, 'device revoked');
      return device;
    },
  };
}
export type DeviceLifecycle = ReturnType<typeof createDeviceLifecycle>;
