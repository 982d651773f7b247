import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { capAlerts, capSenders } from '../../db/schema.js';

export type CapSenderRow = typeof capSenders.$inferSelect;
export type CapAlertRow = typeof capAlerts.$inferSelect;
export type NewCapAlert = typeof capAlerts.$inferInsert;

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'SQLITE_CONSTRAINT_UNIQUE';

export function createCapRepository(db: Db) {
  return {
    senderByTokenHash(tokenHash: string): CapSenderRow | undefined {
      return db
        .select()
        .from(capSenders)
        .where(and(eq(capSenders.tokenHash, tokenHash), isNull(capSenders.revokedAt)))
        .get();
    },
    sender(id: number): CapSenderRow | undefined {
      return db.select().from(capSenders).where(eq(capSenders.id, id)).get();
    },
    liveSenderNamed(sender: string): CapSenderRow | undefined {
      return db
        .select()
        .from(capSenders)
        .where(and(eq(capSenders.sender, sender), isNull(capSenders.revokedAt)))
        .get();
    },
    senders(unitIds: number[] | null): CapSenderRow[] {
      const q = db.select().from(capSenders);
      return (unitIds ? q.where(inArray(capSenders.unitId, unitIds)) : q).orderBy(capSenders.id).all();
    },
    insertSender(row: typeof capSenders.$inferInsert): CapSenderRow {
      return db.insert(capSenders).values(row).returning().get();
    },
    revokeSender(id: number, at: number): void {
      db.update(capSenders)
        .set({ revokedAt: at })
        .where(and(eq(capSenders.id, id), isNull(capSenders.revokedAt)))
        .run();
    },
    touchSender(id: number, at: number): void {
      db.update(capSenders).set({ lastUsedAt: at }).where(eq(capSenders.id, id)).run();
    },

    /** Inserts, or returns the earlier (not refused) alert with the same key: the dedupe point. */
    claimAlert(row: NewCapAlert): { alert: CapAlertRow; duplicate: boolean } {
      try {
        return { alert: db.insert(capAlerts).values(row).returning().get(), duplicate: false };
      } catch (err) {
        if (!isUniqueViolation(err) || row.sentAt == null) throw err;
        const earlier = this.alertByKey(row.sender ?? '', row.identifier ?? '', row.sentAt);
        if (!earlier) throw err;
        return { alert: earlier, duplicate: true };
      }
    },
    insertAlert(row: NewCapAlert): CapAlertRow {
      return db.insert(capAlerts).values(row).returning().get();
    },
    alertByKey(sender: string, identifier: string, sentAt: number): CapAlertRow | undefined {
      return db
        .select()
        .from(capAlerts)
        .where(and(eq(capAlerts.sender, sender), eq(capAlerts.identifier, identifier), eq(capAlerts.sentAt, sentAt)))
        .all()
        .find((a) => a.outcome !== 'refused');
    },
    alert(id: string): CapAlertRow | undefined {
      return db.select().from(capAlerts).where(eq(capAlerts.id, id)).get();
    },
    updateAlert(id: string, set: Partial<NewCapAlert>): CapAlertRow {
      const row = db.update(capAlerts).set(set).where(eq(capAlerts.id, id)).returning().get();
      if (!row) throw new Error(`cap alert ${id} vanished`);
      return row;
    },
    /** Alerts a crash left half-done: refused, so the sender's retry is processed instead of deduplicated. */
    failInterrupted(at: number): number {
      return db
        .update(capAlerts)
        .set({
          outcome: 'refused',
          note: 'Bị từ chối: máy chủ khởi động lại khi đang xử lý; bên gửi có thể gửi lại.',
          error: { code: 'unavailable', message: 'the server restarted while processing the alert' },
          finishedAt: at,
        })
        .where(eq(capAlerts.outcome, 'processing'))
        .run().changes;
    },
    alerts(unitIds: number[] | null, limit: number, offset: number): CapAlertRow[] {
      const q = db.select().from(capAlerts);
      return (unitIds ? q.where(inArray(capAlerts.unitId, unitIds)) : q)
        .orderBy(desc(capAlerts.receivedAt), desc(capAlerts.id))
        .limit(limit)
        .offset(offset)
        .all();
    },
  };
}
export type CapRepository = ReturnType<typeof createCapRepository>;
