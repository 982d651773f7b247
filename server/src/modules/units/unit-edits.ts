import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { devices, units } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { ReceiverChanges } from '../devices/receiver-changes.js';
import type { Scope, ScopeQueries } from './scope.js';
import { planUnitImport } from './unit-import-plan.js';
import type { ParsedRows } from './unit-import-rows.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type UnitRow = typeof units.$inferSelect;

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  moved: number;
  /** Receivers below a moved unit: their desired state (area topics) must be sent again. */
  deviceIds: string[];
}

export interface UnitPatch {
  name?: string | undefined;
  /** null makes the unit a root (administrators only). */
  parentCode?: string | null | undefined;
}

export interface EditResult {
  unit: UnitRow;
  moved: boolean;
  deviceIds: string[];
}

/**
 * Renames, moves and imports. A unit keeps its id through all of them, so devices, users and history
 * stay attached. Moving a unit changes the area topics of every receiver below it; their desired-state
 * version is bumped in the same transaction, because the agent applies a desired state only when its
 * version is newer (device-agent state-store), and the caller then publishes it.
 */
export function createUnitEdits(deps: {
  db: Db;
  scopes: ScopeQueries;
  path: (unitId: number) => string[];
  /** Told of the receivers below a moved unit (programmes follow at once, issue 6). */
  changes?: Pick<ReceiverChanges, 'changed'> | undefined;
}) {
  const { db, scopes } = deps;

  function bumpDevicesBelow(tx: Tx, rootIds: readonly number[]): string[] {
    const unitIds = [...new Set(rootIds.flatMap((id) => scopes.subtreeIds(id)))];
    if (unitIds.length === 0) return [];
    return tx
      .update(devices)
      .set({ desiredVersion: sql`${devices.desiredVersion} + 1` })
      .where(and(isNull(devices.revokedAt), inArray(devices.unitId, unitIds)))
      .returning({ id: devices.id })
      .all()
      .map((d) => d.id);
  }

  function byCode(tx: Tx, code: string): UnitRow {
    const unit = tx.select().from(units).where(eq(units.code, code)).get();
    if (!unit) throw notFound(`unit code ${code}`);
    return unit;
  }

  /** The new parent's id, after checking scope and that the unit would not end up below itself. */
  function newParentId(tx: Tx, unit: UnitRow, parentCode: string | null, scope: Scope): number | null {
    if (parentCode === null) {
      if (!scope.all) throw new AppError('forbidden', 'only an administrator may make a unit a root');
      return null;
    }
    const parent = byCode(tx, parentCode);
    if (!scopes.inScope(scope, parent.id)) throw new AppError('forbidden', `unit ${parentCode} is outside your unit`);
    if (scopes.contains(unit.id, parent.id)) {
      const down = deps.path(parent.id);
      const loop = [...down.slice(down.indexOf(unit.code)), unit.code];
      throw new AppError(
        'unprocessable',
        `moving ${unit.code} under ${parentCode} would make a cycle: ${loop.join(' → ')}`,
        {
          cycle: loop,
        },
      );
    }
    return parent.id;
  }

  return {
    /** Renames and/or moves one unit (PATCH). The route has checked that the unit is in the caller's scope. */
    edit(code: string, patch: UnitPatch, scope: Scope): EditResult {
      const result = db.transaction((tx): EditResult => {
        const unit = byCode(tx, code);
        if (!scopes.inScope(scope, unit.id)) throw new AppError('forbidden', `unit ${code} is outside your unit`);
        if (!scope.all && unit.id === scope.unitId)
          throw new AppError('forbidden', 'only an administrator may rename or move your own unit');
        const parentId =
          patch.parentCode === undefined ? unit.parentId : newParentId(tx, unit, patch.parentCode, scope);
        const moved = parentId !== unit.parentId;
        const row = tx
          .update(units)
          .set({ name: patch.name ?? unit.name, parentId })
          .where(eq(units.id, unit.id))
          .returning()
          .get();
        if (!row) throw notFound(`unit code ${code}`);
        return { unit: row, moved, deviceIds: moved ? bumpDevicesBelow(tx, [unit.id]) : [] };
      });
      deps.changes?.changed(result.deviceIds);
      return result;
    },

    /** Applies a whole import file, or nothing of it. `input` comes from parseUnitCsv or rowsFromJson. */
    importRows(input: ParsedRows, scope: Scope): ImportResult {
      const result = db.transaction((tx): ImportResult => {
        const existing = tx.select().from(units).all();
        const root = scope.all ? null : existing.find((u) => u.id === scope.unitId);
        if (root === undefined) throw new AppError('forbidden', 'your unit no longer exists');
        const result = planUnitImport(existing, input, root?.code ?? null);
        if (!result.ok) {
          const message =
            result.reason === 'forbidden'
              ? 'the file changes units outside your unit; nothing was imported'
              : `${result.errors.length} problem(s) in the file; nothing was imported`;
          throw new AppError(result.reason, message, result.errors);
        }
        const { steps, unchanged, moved } = result.plan;
        const ids = new Map(existing.map((u) => [u.code, u.id]));
        for (const { action, row } of steps) {
          const parentId = row.parentCode === null ? null : ids.get(row.parentCode);
          // The plan orders parents first, so a missing id here is our bug, not the file's.
          if (parentId === undefined) throw new Error(`import plan out of order at line ${row.line}`);
          const values = { name: row.name, level: row.level, parentId };
          if (action === 'create')
            ids.set(
              row.code,
              tx
                .insert(units)
                .values({ code: row.code, ...values })
                .returning()
                .get().id,
            );
          else tx.update(units).set(values).where(eq(units.code, row.code)).run();
        }
        const movedIds = moved.map((c) => ids.get(c)).filter((id): id is number => id !== undefined);
        const created = steps.filter((s) => s.action === 'create').length;
        return {
          created,
          updated: steps.length - created,
          unchanged,
          moved: moved.length,
          deviceIds: bumpDevicesBelow(tx, movedIds),
        };
      });
      // After the commit: the receivers below a moved unit are in other areas now.
      deps.changes?.changed(result.deviceIds);
      return result;
    },
  };
}
export type UnitEdits = ReturnType<typeof createUnitEdits>;
