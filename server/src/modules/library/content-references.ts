/**
 * Whether anything besides library items still needs a content file, so deleting the last item may
 * remove the file. Other modules add their own checks (the seam: `addReferenceCheck`).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';

export type ReferenceCheck = (sha256: string) => boolean;

export interface ContentReferences {
  addReferenceCheck(name: string, check: ReferenceCheck): void;
  /** Names of the checks that still reference the file; empty when nothing does. */
  referencedBy(sha256: string): string[];
}

export function createContentReferences(): ContentReferences {
  const checks = new Map<string, ReferenceCheck>();
  return {
    addReferenceCheck: (name, check) => void checks.set(name, check),
    referencedBy: (sha256) => [...checks].filter(([, check]) => check(sha256)).map(([name]) => name),
  };
}

/**
 * Any bulletin version whose items name the file: until the bulletins module registers a check of its
 * own, this keeps audio that a bulletin (draft, approved or sent) uses from being removed.
 */
export function bulletinReferenceCheck(db: Db): ReferenceCheck {
  return (sha256) => {
    try {
      const row = db.get<{ hit: number } | undefined>(sql`
        SELECT 1 AS hit FROM bulletin_versions v, json_each(v.items) i
        WHERE json_extract(i.value, '$.sha256') = ${sha256} LIMIT 1`);
      return row !== undefined;
    } catch {
      // No bulletins table (yet): nothing there can reference the file. Any other failure: keep the file.
      return db.get(sql`SELECT 1 FROM sqlite_master WHERE name = 'bulletin_versions'`) !== undefined;
    }
  };
}
