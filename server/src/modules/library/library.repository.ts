import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { libraryItems, mediaFiles, units } from '../../db/schema.js';
import type { MediaFile } from '../media/media.schemas.js';
import { ITEM_KINDS, type ItemKind, type LibraryItem } from './library.schemas.js';

export interface NewItem {
  unitId: number;
  sha256: string;
  title: string;
  kind: ItemKind;
  originalName: string | null;
  createdBy: number | null;
}

const columns = {
  id: libraryItems.id,
  unitId: libraryItems.unitId,
  sha256: libraryItems.sha256,
  title: libraryItems.title,
  kind: libraryItems.kind,
  originalName: libraryItems.originalName,
  createdBy: libraryItems.createdBy,
  createdAt: libraryItems.createdAt,
  durationMs: mediaFiles.durationMs,
  sizeBytes: mediaFiles.sizeBytes,
  loudnessLufs: mediaFiles.loudnessLufs,
  truePeakDb: mediaFiles.truePeakDb,
};
interface Row {
  id: number;
  unitId: number;
  sha256: string;
  title: string;
  kind: string;
  originalName: string | null;
  createdBy: number | null;
  createdAt: number;
  durationMs: number;
  sizeBytes: number;
  loudnessLufs: number | null;
  truePeakDb: number | null;
}

const toItem = (r: Row): LibraryItem => ({
  ...r,
  kind: (ITEM_KINDS as readonly string[]).includes(r.kind) ? (r.kind as ItemKind) : 'upload',
  audioUrl: `/api/v1/library/${r.id}/audio`,
});

export type LibraryRepository = ReturnType<typeof createLibraryRepository>;

/** Live (not deleted) items joined with their content file. */
export function createLibraryRepository(db: Db) {
  const live = () =>
    db.select(columns).from(libraryItems).innerJoin(mediaFiles, eq(mediaFiles.sha256, libraryItems.sha256));

  const find = (unitId: number, sha256: string) =>
    live()
      .where(and(eq(libraryItems.unitId, unitId), eq(libraryItems.sha256, sha256), isNull(libraryItems.deletedAt)))
      .get();

  return {
    get(id: number): LibraryItem | undefined {
      const r = live()
        .where(and(eq(libraryItems.id, id), isNull(libraryItems.deletedAt)))
        .get();
      return r && toItem(r);
    },
    find(unitId: number, sha256: string): LibraryItem | undefined {
      const r = find(unitId, sha256);
      return r && toItem(r);
    },
    /** The unit's live item for this content: the existing one, or a new one. */
    ensure(item: NewItem): { item: LibraryItem; created: boolean } {
      return db.transaction((tx) => {
        const inserted = tx.insert(libraryItems).values(item).onConflictDoNothing().run().changes > 0;
        const r = find(item.unitId, item.sha256);
        if (!r) throw new Error(`library item for unit ${item.unitId} and ${item.sha256} vanished`);
        return { item: toItem(r), created: inserted };
      });
    },
    list(o: { unitIds?: number[]; kind?: ItemKind; limit: number; offset: number }): LibraryItem[] {
      const where = and(
        isNull(libraryItems.deletedAt),
        o.unitIds ? inArray(libraryItems.unitId, o.unitIds) : undefined,
        o.kind ? eq(libraryItems.kind, o.kind) : undefined,
      );
      return live().where(where).orderBy(desc(libraryItems.id)).limit(o.limit).offset(o.offset).all().map(toItem);
    },
    /** Soft delete: the row stays for history; false if it was already gone. */
    softDelete(id: number, now: number): boolean {
      return (
        db
          .update(libraryItems)
          .set({ deletedAt: now })
          .where(and(eq(libraryItems.id, id), isNull(libraryItems.deletedAt)))
          .run().changes > 0
      );
    },
    /** Units with a live item of this content. */
    unitsHolding(sha256: string): number[] {
      return db
        .selectDistinct({ unitId: libraryItems.unitId })
        .from(libraryItems)
        .where(and(eq(libraryItems.sha256, sha256), isNull(libraryItems.deletedAt)))
        .all()
        .map((r) => r.unitId);
    },
    /** Bytes of the unit's live items' content: each unit pays for what its library holds. */
    usedBytes(unitId: number): number {
      const r = db
        .select({ bytes: sql<number>`coalesce(sum(${mediaFiles.sizeBytes}), 0)` })
        .from(libraryItems)
        .innerJoin(mediaFiles, eq(mediaFiles.sha256, libraryItems.sha256))
        .where(and(eq(libraryItems.unitId, unitId), isNull(libraryItems.deletedAt)))
        .get();
      return Number(r?.bytes ?? 0);
    },
    /** The unit's name and own quota (null: the configured default). */
    unitQuota(unitId: number): { name: string; quotaMb: number | null } {
      const r = db.select({ name: units.name, quotaMb: units.quotaMb }).from(units).where(eq(units.id, unitId)).get();
      return r ?? { name: `unit ${unitId}`, quotaMb: null };
    },
    /** Content files with a live item in one of these units: the scoped list of /api/v1/media. */
    listMedia(o: { unitIds?: number[]; limit: number; offset: number }): MediaFile[] {
      const held = db
        .select({ sha256: libraryItems.sha256 })
        .from(libraryItems)
        .where(and(isNull(libraryItems.deletedAt), o.unitIds ? inArray(libraryItems.unitId, o.unitIds) : undefined));
      return db
        .select()
        .from(mediaFiles)
        .where(inArray(mediaFiles.sha256, held))
        .orderBy(desc(mediaFiles.createdAt))
        .limit(o.limit)
        .offset(o.offset)
        .all();
    },
  };
}
