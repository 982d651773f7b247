import { sql } from 'drizzle-orm';
import { type Db, sqliteOf } from '../../db/db.js';

/** What part of the unit tree a caller may act on: everything (admin) or one unit's subtree. */
export interface Scope {
  all: boolean;
  unitId: number;
}

/** Subtree questions, answered by recursive queries on the unit tree (depth-bounded against bad data). */
export function createScopeQueries(db: Db) {
  // Prepared once: asked on every scoped request, including every receiver's stream and media request.
  const containsStmt = sqliteOf(db)
    .prepare<[number, number], number>(`
      WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM units WHERE id = ?
        UNION ALL
        SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 32
      )
      SELECT 1 FROM up WHERE id = ? LIMIT 1`)
    .pluck();
  return {
    /** Is `unitId` the unit `rootId` or below it? */
    contains(rootId: number, unitId: number): boolean {
      return containsStmt.get(unitId, rootId) !== undefined;
    },

    /** Ids of `rootId` and every unit below it. */
    subtreeIds(rootId: number): number[] {
      return db
        .all<{ id: number }>(sql`
          WITH RECURSIVE down(id, depth) AS (
            SELECT id, 0 FROM units WHERE id = ${rootId}
            UNION ALL
            SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id WHERE down.depth < 32
          )
          SELECT id FROM down`)
        .map((r) => r.id);
    },

    inScope(scope: Scope, unitId: number | null | undefined): boolean {
      if (scope.all) return true;
      return unitId !== null && unitId !== undefined && this.contains(scope.unitId, unitId);
    },
  };
}
export type ScopeQueries = ReturnType<typeof createScopeQueries>;
