import type { PlaybackLog } from '@nguon/protocols';
import { desc, eq } from 'drizzle-orm';
import { type Db, sqliteOf } from '../../db/db.js';
import { playbackLogs } from '../../db/schema.js';

/** Proof of play. Logs are keyed by the agent's log id: a log resent after a lost ack is stored once. */
export function createPlaybackLogService(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;
  // One prepared statement per log (thousands a second at a bulletin's start); only a known receiver's.
  const insert = sqliteOf(db).prepare(
    `INSERT INTO playback_logs (id, device_id, play_id, command_id, sha256, event, started_at, ended_at, played_ms,
       reason, device_ts, received_at)
     SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM devices WHERE id = ?
     ON CONFLICT DO NOTHING`,
  );
  return {
    /** Returns false when the log was a duplicate or its device is unknown. */
    ingest(deviceId: string, log: PlaybackLog): boolean {
      const res = insert.run(
        log.id,
        log.playId,
        log.commandId ?? null,
        log.sha256,
        log.event,
        log.startedAt ?? null,
        log.endedAt ?? null,
        log.playedMs ?? null,
        log.reason ?? null,
        log.ts,
        clock(),
        deviceId,
      );
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
