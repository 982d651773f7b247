import { count, eq, sql } from 'drizzle-orm';
import { type Db, sqliteOf } from '../../db/db.js';
import { units } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { ReceiverChanges } from '../devices/receiver-changes.js';
import type { Scope, ScopeQueries } from './scope.js';
import { createUnitEdits } from './unit-edits.js';

export interface Unit {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
}

export function createUnitsService(deps: { db: Db; scopes: ScopeQueries; changes?: Pick<ReceiverChanges, 'changed'> }) {
  const { db, scopes } = deps;

  // Prepared once: every receiver's MQTT subscribe and media or stream request asks for its path.
  const ancestorsOf = sqliteOf(db).prepare<[number], Unit>(`
      WITH RECURSIVE up(id, code, name, level, parent_id, depth) AS (
        SELECT id, code, name, level, parent_id, 0 FROM units WHERE id = ?
        UNION ALL
        SELECT u.id, u.code, u.name, u.level, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id
        WHERE up.depth < 32
      )
      SELECT id, code, name, level, parent_id AS parentId FROM up ORDER BY depth DESC`);

  /** This unit and its ancestors, from the top of the tree down. */
  const ancestors = (unitId: number): Unit[] => ancestorsOf.all(unitId);

  /** Unit codes from the top of the tree down to this unit: the device's area topic path. */
  const path = (unitId: number): string[] => ancestors(unitId).map((u) => u.code);

  return {
    ...createUnitEdits({ db, scopes, path, changes: deps.changes }),
    ancestors,
    path,

    childCount(unitId: number): number {
      return db.select({ n: count() }).from(units).where(eq(units.parentId, unitId)).get()?.n ?? 0;
    },

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

    isEmpty(): boolean {
      return !db.select({ id: units.id }).from(units).limit(1).get();
    },
  };
}
export type UnitsService = ReturnType<typeof createUnitsService>;
