import type { PlaybackLog } from '@nguon/protocols';
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { type Db, sqliteOf } from '../../db/db.js';
import { playlistItems } from '../../db/schema.js';

/** A scheduled item with no log this long after its planned end is missed. */
export const MISSED_GRACE_MS = 2 * 60_000;

const OUTCOME: Record<PlaybackLog['event'], string> = {
  started: 'playing',
  finished: 'played',
  stopped: 'stopped',
  interrupted: 'interrupted',
  failed: 'failed',
  skipped: 'skipped',
};

/** Proof of play: what each receiver did with each scheduled occurrence. */
export function createProofOfPlay(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;
  // Prepared once: every playback log of every receiver comes through here. The first start stands (an
  // item back on air after an interruption began when it first did); absent fields are left as they are.
  const updateFrom = (statuses: string) =>
    sqliteOf(db).prepare(
      `UPDATE playlist_items SET status = ?, started_at = coalesce(started_at, ?), ended_at = coalesce(?, ended_at),
         reason = coalesce(?, reason), updated_at = ?
       WHERE device_id = ? AND occurrence_key = ? AND status IN (${statuses})`,
    );
  const restart = updateFrom("'planned', 'missed', 'cancelled', 'interrupted'");
  const settle = updateFrom("'planned', 'playing', 'missed', 'cancelled'");
  return {
    /**
     * A playback log for a scheduled occurrence (its playId is the occurrence key) records the outcome.
     * A late log (from a receiver that played offline) overrides "missed": the receiver did play it.
     */
    onLog(deviceId: string, log: PlaybackLog): boolean {
      // An item an emergency interrupted comes back on air after it (device-agent scheduler): its second
      // `started` makes it playing again, and its final log then says how it ended and what cut it.
      const update = log.event === 'started' ? restart : settle;
      const res = update.run(
        OUTCOME[log.event],
        log.startedAt ?? null,
        log.endedAt ?? null,
        log.reason ?? null,
        clock(),
        deviceId,
        log.playId,
      );
      return res.changes > 0;
    },

    /** Marks planned items whose time has passed with no log as missed; returns how many. */
    sweepMissed(): number {
      const now = clock();
      return db
        .update(playlistItems)
        .set({ status: 'missed', reason: 'no playback log arrived', updatedAt: now })
        .where(
          and(
            eq(playlistItems.status, 'planned'),
            lt(sql`${playlistItems.plannedStart} + ${playlistItems.durationMs}`, now - MISSED_GRACE_MS),
          ),
        )
        .run().changes;
    },

    /** Scheduled vs played for some receivers over [from, to): counts per receiver and the items. */
    report(deviceIds: string[], from: number, to: number) {
      if (deviceIds.length === 0)
        return { totals: {}, devices: [] as Array<{ deviceId: string; counts: Record<string, number> }> };
      const rows = db
        .select()
        .from(playlistItems)
        .where(
          and(
            inArray(playlistItems.deviceId, deviceIds),
            gte(playlistItems.plannedStart, from),
            lt(playlistItems.plannedStart, to),
          ),
        )
        .orderBy(playlistItems.plannedStart)
        .all();
      const totals: Record<string, number> = {};
      const per = new Map<string, Record<string, number>>();
      for (const r of rows) {
        if (r.status === 'cancelled') continue;
        const c = per.get(r.deviceId) ?? {};
        c[r.status] = (c[r.status] ?? 0) + 1;
        c.scheduled = (c.scheduled ?? 0) + 1;
        per.set(r.deviceId, c);
        totals[r.status] = (totals[r.status] ?? 0) + 1;
        totals.scheduled = (totals.scheduled ?? 0) + 1;
      }
      return { totals, devices: [...per].map(([deviceId, counts]) => ({ deviceId, counts })), items: rows };
    },
  };
}
export type ProofOfPlay = ReturnType<typeof createProofOfPlay>;
