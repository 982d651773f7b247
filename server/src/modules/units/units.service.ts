import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { units } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { Scope, ScopeQueries } from './scope.js';

export interface Unit {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
}

export function createUnitsService(deps: { db: Db; scopes: ScopeQueries }) {
  const { db, scopes } = deps;

  return {
    create(input: { code: string; name: string; level: string; parentId?: number | null }): Unit {
      if (db.select({ id: units.id }).from(units).where(sql`${units.code} = ${input.code}`).get())
        throw new AppError('conflict', `unit code ${input.code} exists`);
      return db
        .insert(units)
        .values({ ...input, parentId: input.parentId ?? null })
        .returning()
        .get();
    },

    get(id: number): Unit | undefined {
      return db.select().from(units).where(sql`${units.id} = ${id}`).get();
    },

    byCode(code: string): Unit | undefined {
      return db.select().from(units).where(sql`${units.code} = ${code}`).get();
    },

    /** Units in a scope; the caller's own unit first is not guaranteed: order by id. */
    list(scope?: Scope): Unit[] {
      const all = db.select().from(units).orderBy(units.id).all();
      if (!scope || scope.all) return all;
      const ids = new Set(scopes.subtreeIds(scope.unitId));
      return all.filter((u) => ids.has(u.id));
    },

    /** Unit codes from the top of the tree down to this unit: the device's area topic path. */
    path(unitId: number): string[] {
      const rows = db.all<{ code: string; depth: number }>(sql`
        WITH RECURSIVE up(id, code, parent_id, depth) AS (
          SELECT id, code, parent_id, 0 FROM units WHERE id = ${unitId}
          UNION ALL
          SELECT u.id, u.code, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
          WHERE up.depth < 32
        )
        SELECT code, depth FROM up ORDER BY depth DESC`);
      return rows.map((r) => r.code);
    },

    isEmpty(): boolean {
      return !db.select({ id: units.id }).from(units).limit(1).get();
    },
  };
}
export type UnitsService = ReturnType<typeof createUnitsService>;
