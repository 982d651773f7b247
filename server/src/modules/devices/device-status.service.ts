import type { Health } from '@nguon/schemas';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { deviceStatus } from '../../db/schema.js';
import type { PresenceView } from '../monitoring/presence.js';

export interface DeviceStatus {
  online: boolean;
  /** `unknown` after a server restart until the receiver is heard from again (monitoring/presence.ts). */
  presence: 'online' | 'offline' | 'unknown';
  session: string | null;
  changedAt: number;
  lastSeenAt: number;
  agentVersion: string | null;
  health: Health | null;
}

/**
 * A receiver's latest status. Presence and heartbeats are handled by the monitoring module (session
 * ordering, heartbeat timeout, transitions); this reads its live view, or the stored row for a receiver
 * it has not heard of.
 */
export function createDeviceStatusService(deps: { db: Db; live?: { get(id: string): PresenceView | null } }) {
  const { db } = deps;
  return {
    get(deviceId: string): DeviceStatus | null {
      const p = deps.live?.get(deviceId);
      if (p) {
        return {
          online: p.state === 'online',
          presence: p.state,
          session: p.session,
          changedAt: p.since,
          lastSeenAt: p.lastSeenAt,
          agentVersion: p.agentVersion,
          health: p.health,
        };
      }
      const s = db.select().from(deviceStatus).where(eq(deviceStatus.deviceId, deviceId)).get();
      if (!s) return null;
      return {
        online: s.online,
        presence: s.online ? 'online' : 'offline',
        session: s.session,
        changedAt: s.changedAt,
        lastSeenAt: s.lastSeenAt,
        agentVersion: s.agentVersion,
        health: (s.health as Health | null) ?? null,
      };
    },
  };
}
export type DeviceStatusService = ReturnType<typeof createDeviceStatusService>;
