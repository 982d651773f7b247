import type { PlaybackLog } from '@nguon/protocols';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { devices, playbackLogs } from '../../db/schema.js';

/** Proof of play. Logs are keyed by the agent's log id: a log resent after a lost ack is stored once. */
export function createPlaybackLogService(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;
  return {
    /** Returns false when the log was a duplicate or its device is unknown. */
    ingest(deviceId: string, log: PlaybackLog): boolean {
      if (!db.select({ id: devices.id }).from(devices).where(eq(devices.id, deviceId)).get()) return false;
      const res = db
        .insert(playbackLogs)
        .values({
          id: log.id,
          deviceId,
          playId: log.playId,
          commandId: log.commandId ?? null,
          sha256: log.sha256,
          event: log.event,
          startedAt: log.startedAt ?? null,
          endedAt: log.endedAt ?? null,
          playedMs: log.playedMs ?? null,
          reason: log.reason ?? null,
          deviceTs: log.ts,
          receivedAt: clock(),
        })
        .onConflictDoNothing()
        .run();
      return res.changes === 1;
    },

    forDevice(deviceId: string, limit = 100) {
      return db
        .select()
        .from(playbackLogs)
        .where(eq(playbackLogs.deviceId, deviceId))
        .orderBy(desc(playbackLogs.receivedAt))
        .limit(limit)
        .all();
    },
  };
}
export type PlaybackLogService = ReturnType<typeof createPlaybackLogService>;
