import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { mediaFiles } from '../../db/schema.js';
import type { MediaFile, NewMediaFile } from './media.schemas.js';

export type MediaRepository = ReturnType<typeof createMediaRepository>;

export function createMediaRepository(db: Db) {
  const get = (sha256: string): MediaFile | undefined =>
    db.select().from(mediaFiles).where(eq(mediaFiles.sha256, sha256)).get();

  return {
    get,

    /**
     * Inserts unless a row with this sha256 exists, and returns the stored row either way: the same
     * audio uploaded twice (or by two requests at once) is one file.
     */
    insert(row: NewMediaFile): MediaFile {
      return db.transaction((tx) => {
        tx.insert(mediaFiles).values(row).onConflictDoNothing({ target: mediaFiles.sha256 }).run();
        return tx.select().from(mediaFiles).where(eq(mediaFiles.sha256, row.sha256)).get()!;
      });
    },

    remove(sha256: string): void {
      db.delete(mediaFiles).where(eq(mediaFiles.sha256, sha256)).run();
    },

    /** An earlier transcode of the same upload with the same profile, so it need not be redone. */
    findBySource(sourceSha256: string, profile: string): MediaFile | undefined {
      return db
        .select()
        .from(mediaFiles)
        .where(and(eq(mediaFiles.sourceSha256, sourceSha256), eq(mediaFiles.profile, profile)))
        .orderBy(desc(mediaFiles.createdAt))
        .get();
    },
  };
}
