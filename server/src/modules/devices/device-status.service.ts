import type { Heartbeat, Presence } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { deviceStatus, devices } from '../../db/schema.js';

export interface DeviceStatus {
  online: boolean;
  session: string | null;
  changedAt: number;
  lastSeenAt: number;
  agentVersion: string | null;
  health: Health | null;
}

/**
 * Online/offline from retained presence (the Last Will says offline) and from heartbeats.
 * Each MQTT connection has its own session id, so a Will from an older session that arrives after
 * the receiver reconnected is recognised and ignored.
 */
export function createDeviceStatusService(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;

  const known = (id: string) => !!db.select({ id: devices.id }).from(devices).where(eq(devices.id, id)).get();
  const current = (id: string) => db.select().from(deviceStatus).where(eq(deviceStatus.deviceId, id)).get();

  function upsert(id: string, row: Omit<typeof deviceStatus.$inferInsert, 'deviceId'>) {
    db.insert(deviceStatus)
      .values({ deviceId: id, ...row })
      .onConflictDoUpdate({ target: deviceStatus.deviceId, set: row })
      .run();
  }

  return {
    /** Returns true when the device came online (so its desired state should be sent). */
    onPresence(deviceId: string, p: Presence): boolean {
      if (!known(deviceId)) return false;
      const now = clock();
      const cur = current(deviceId);
      if (p.state === 'offline') {
        if (cur && cur.session !== p.session) return false; // a late Will from an older session
        upsert(deviceId, { online: false, session: p.session, changedAt: now, lastSeenAt: cur?.lastSeenAt ?? now });
        return false;
      }
      upsert(deviceId, {
        online: true,
        session: p.session,
        changedAt: cur?.online && cur.session === p.session ? cur.changedAt : now,
        lastSeenAt: now,
        agentVersion: p.agentVersion ?? cur?.agentVersion ?? null,
        health: cur?.health ?? null,
      });
      return true;
    },

    onHeartbeat(deviceId: string, hb: Heartbeat): void {
      if (!known(deviceId)) return;
      const now = clock();
      const cur = current(deviceId);
      const sameSession = cur?.online && cur.session === hb.session;
      upsert(deviceId, {
        online: true,
        session: hb.session,
        changedAt: sameSession && cur ? cur.changedAt : now,
        lastSeenAt: now,
        agentVersion: hb.health.agentVersion,
        health: hb.health,
      });
    },

    /** Marks receivers silent for longer than the timeout offline (a Will can be lost with a broker). */
    sweep(timeoutMs: number): number {
      const now = clock();
      return db
        .update(deviceStatus)
        .set({ online: false, changedAt: now })
        .where(and(eq(deviceStatus.online, true), lt(deviceStatus.lastSeenAt, now - timeoutMs)))
        .run().changes;
    },

    get(deviceId: string): DeviceStatus | null {
      const s = current(deviceId);
      if (!s) return null;
      return {
        online: s.online,
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
