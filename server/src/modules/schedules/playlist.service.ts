import { createHash, randomUUID } from 'node:crypto';
import { encodeForDevice, type Playlist } from '@nguon/protocols';
import { and, eq, gte, inArray, notInArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { playlistItems } from '../../db/schema.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import { type ActiveSchedule, buildDeviceTimeline, type DeviceItem, HORIZON_MS } from './playlist-builder.js';

export interface RefreshOptions {
  deviceIds?: Iterable<string>;
  force?: boolean;
}

/**
 * Delivery ahead of time: each receiver's programme for the next 48 hours is computed, recorded
 * (the basis of proof of play) and pushed as a versioned, retained playlist. Only what changed is sent.
 */
export function createPlaylistService(deps: {
  db: Db;
  mqtt: ServerMqtt;
  clock: () => number;
  log: Logger;
  loadActive: () => ActiveSchedule[];
}) {
  const { db, clock, log } = deps;
  const sentHash = new Map<string, string>();
  let lastVersion = 0;
  const nextVersion = () => {
    lastVersion = Math.max(lastVersion + 1, clock());
    return lastVersion;
  };

  function persist(deviceId: string, items: DeviceItem[], now: number): void {
    const keys = items.map((i) => i.key);
    db.transaction((tx) => {
      for (const i of items) {
        const row = {
          deviceId,
          occurrenceKey: i.key,
          scheduleId: i.scheduleId,
          bulletinId: i.bulletinId,
          bulletinVersion: i.bulletinVersion,
          scheduledAt: i.startAt,
          plannedStart: i.plannedStart,
          durationMs: i.durationMs,
          status: i.status,
          reason: i.status === 'skipped' ? `${i.reason}; yielded to ${i.yieldedTo.join(', ')}` : null,
          updatedAt: now,
        };
        // A row that already has an outcome (played, missed …) keeps it; only plans are replanned.
        tx.insert(playlistItems)
          .values(row)
          .onConflictDoUpdate({
            target: [playlistItems.deviceId, playlistItems.occurrenceKey],
            set: { plannedStart: row.plannedStart, status: row.status, reason: row.reason, updatedAt: now },
            setWhere: inArray(playlistItems.status, ['planned', 'skipped']),
          })
          .run();
      }
      // Future plans no longer in the programme were cancelled or edited away.
      tx.update(playlistItems)
        .set({ status: 'cancelled', updatedAt: now })
        .where(
          and(
            eq(playlistItems.deviceId, deviceId),
            eq(playlistItems.status, 'planned'),
            gte(playlistItems.plannedStart, now),
            keys.length ? notInArray(playlistItems.occurrenceKey, keys) : undefined,
          ),
        )
        .run();
    });
  }

  async function publish(deviceId: string, items: DeviceItem[], now: number, force: boolean): Promise<boolean> {
    const planned = items
      .filter((i) => i.status === 'planned')
      .map((i) => ({
        key: i.key,
        startAt: i.plannedStart,
        durationMs: i.durationMs,
        priority: i.priority,
        title: i.title,
        media: i.media,
      }));
    const hash = createHash('sha256').update(JSON.stringify(planned)).digest('hex');
    if (!force && sentHash.get(deviceId) === hash) return false;
    const message: Playlist = {
      v: 1,
      id: randomUUID(),
      ts: now,
      version: nextVersion(),
      horizonEnd: now + HORIZON_MS,
      items: planned,
    };
    await deps.mqtt.publish(encodeForDevice('playlist', deviceId, message));
    sentHash.set(deviceId, hash);
    return true;
  }

  /**
   * One refresh at a time. Each computes from the schedules and targets as they were when it began, so
   * a long pass that overlapped a receiver's move would otherwise send that receiver its old programme
   * under a newer version than the one the move's own (shorter) pass had just sent.
   */
  let running: Promise<unknown> = Promise.resolve();

  async function refreshNow(opts: RefreshOptions): Promise<{ devices: number; sent: number }> {
    const now = clock();
    const active = deps.loadActive();
    const ids = new Set<string>(opts.deviceIds ?? []);
    if (!opts.deviceIds) for (const s of active) for (const d of s.devices) ids.add(d);
    let sent = 0;
    for (const deviceId of ids) {
      const items = buildDeviceTimeline(deviceId, active, now, now + HORIZON_MS);
      persist(deviceId, items, now);
      try {
        if (await publish(deviceId, items, now, opts.force ?? false)) sent++;
      } catch (err) {
        log.warn({ err, deviceId }, 'playlist not sent; the next refresh retries');
        sentHash.delete(deviceId);
      }
    }
    return { devices: ids.size, sent };
  }

  return {
    /**
     * Recomputes the programme of the given receivers (default: every receiver any active schedule
     * reaches), records it and sends what changed. `force` resends even if unchanged (a receiver that
     * just came online). Calls run one after the other, in the order made.
     */
    refresh(opts: RefreshOptions = {}): Promise<{ devices: number; sent: number }> {
      const result = running.then(() => refreshNow(opts));
      running = result.catch(() => undefined);
      return result;
    },

    timeline(deviceId: string, from: number, to: number): DeviceItem[] {
      return buildDeviceTimeline(deviceId, deps.loadActive(), from, to);
    },
  };
}
export type PlaylistService = ReturnType<typeof createPlaylistService>;
