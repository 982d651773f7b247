import { and, asc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { uplinkOutbox, uplinkState } from '../../db/schema.js';

export type OutboxKind = 'status' | 'playlog' | 'schedule';
export const OUTBOX_KINDS: OutboxKind[] = ['status', 'playlog', 'schedule'];

export interface OutboxRow {
  id: number;
  key: string;
  payload: unknown;
  updatedAt: number;
}

/** Sent play-log rows are kept this long (for inspection), then pruned; the national side holds them. */
const KEEP_SENT_MS = 7 * 86_400_000;

/**
 * The durable uplink outbox. Rows are written in the same synchronous transaction as the cursor that
 * produced them, so a crash never loses or doubles one; a row is marked sent only if it did not change
 * while its batch was in flight (a newer status then goes out on the next round).
 */
export function createOutbox(db: Db) {
  return {
    /**
     * Queues `payload` under (kind, key). An existing row takes the new payload and is pending again,
     * unless its fingerprint is unchanged: a receiver that said nothing new is not sent again.
     */
    put(kind: OutboxKind, key: string, fingerprint: string | null, payload: unknown, now: number): void {
      db.insert(uplinkOutbox)
        .values({ kind, key, fingerprint, payload, updatedAt: now })
        .onConflictDoUpdate({
          target: [uplinkOutbox.kind, uplinkOutbox.key],
          set: {
            payload: sql`excluded.payload`,
            fingerprint: sql`excluded.fingerprint`,
            // Strictly increasing per row: markSent compares it to what was read.
            updatedAt: sql`max(excluded.updated_at, ${uplinkOutbox.updatedAt} + 1)`,
            sentAt: sql`NULL`,
          },
          setWhere: sql`excluded.fingerprint IS NOT ${uplinkOutbox.fingerprint} OR excluded.fingerprint IS NULL`,
        })
        .run();
    },

    /** Appends once: a key already queued (or sent) is left alone. */
    append(kind: OutboxKind, key: string, payload: unknown, now: number): void {
      db.insert(uplinkOutbox).values({ kind, key, payload, updatedAt: now }).onConflictDoNothing().run();
    },

    pending(kind: OutboxKind, limit: number): OutboxRow[] {
      return db
        .select({
          id: uplinkOutbox.id,
          key: uplinkOutbox.key,
          payload: uplinkOutbox.payload,
          updatedAt: uplinkOutbox.updatedAt,
        })
        .from(uplinkOutbox)
        .where(and(eq(uplinkOutbox.kind, kind), isNull(uplinkOutbox.sentAt)))
        .orderBy(asc(uplinkOutbox.id))
        .limit(limit)
        .all();
    },

    markSent(rows: OutboxRow[], now: number): void {
      db.transaction((tx) => {
        for (const r of rows)
          tx.update(uplinkOutbox)
            .set({ sentAt: now })
            .where(and(eq(uplinkOutbox.id, r.id), eq(uplinkOutbox.updatedAt, r.updatedAt)))
            .run();
      });
    },

    backlog(): Record<OutboxKind, number> {
      const rows = db
        .select({ kind: uplinkOutbox.kind, n: sql<number>`count(*)` })
        .from(uplinkOutbox)
        .where(isNull(uplinkOutbox.sentAt))
        .groupBy(uplinkOutbox.kind)
        .all();
      const out: Record<OutboxKind, number> = { status: 0, playlog: 0, schedule: 0 };
      for (const r of rows) out[r.kind as OutboxKind] = r.n;
      return out;
    },

    prune(now: number): number {
      return db
        .delete(uplinkOutbox)
        .where(
          and(
            eq(uplinkOutbox.kind, 'playlog'),
            isNotNull(uplinkOutbox.sentAt),
            lt(uplinkOutbox.sentAt, now - KEEP_SENT_MS),
          ),
        )
        .run().changes;
    },

    getState(name: string): string | undefined {
      return db.select().from(uplinkState).where(eq(uplinkState.name, name)).get()?.value;
    },

    setState(name: string, value: string): void {
      db.insert(uplinkState)
        .values({ name, value })
        .onConflictDoUpdate({ target: uplinkState.name, set: { value } })
        .run();
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
