import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/db.js';
import { unitAlertThresholds, units } from '../../db/schema.js';
import type { MonitoringConfig } from './monitoring.config.js';

/** The thresholds a unit may set for itself and below (issue 8), in the units operators think in. */
export const ThresholdFieldsSchema = z
  .object({
    /** A receiver offline this long (minutes) joins the offline alert. */
    offlineMin: z.number().min(0).max(10_080).nullable().optional(),
    tempC: z.number().min(0).max(150).nullable().optional(),
    diskPct: z.number().min(1).max(100).nullable().optional(),
  })
  .strict();
export type ThresholdFields = z.infer<typeof ThresholdFieldsSchema>;

const FIELDS = ['offlineMin', 'tempC', 'diskPct'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, number>;
/** Where each effective value comes from: a unit's code, or `global` (the server's configuration). */
type Sources = Record<Field, string>;

export type AlertThresholds = MonitoringConfig['alerts'];

export interface ThresholdsView {
  unitCode: string;
  /** The unit's own settings; null fields inherit. */
  own: Record<Field, number | null>;
  effective: Values;
  source: Sources;
  global: Values;
}

/**
 * Per-unit alert thresholds, inherited down the tree field by field: the nearest unit that sets a field
 * wins, else the global configuration. `resolver()` answers for many units in one evaluation pass from
 * one read of the (small) settings table and the unit tree.
 */
export function createAlertThresholds(deps: { db: Db; global: AlertThresholds; clock: () => number }) {
  const { db } = deps;
  const globalValues: Values = {
    offlineMin: deps.global.offlineMs / 60_000,
    tempC: deps.global.tempC,
    diskPct: deps.global.diskPct,
  };
  const toConfig = (v: Values): AlertThresholds => ({
    ...deps.global,
    offlineMs: Math.round(v.offlineMin * 60_000),
    tempC: v.tempC,
    diskPct: v.diskPct,
  });

  /** Effective values of every unit asked for, walking up a parent map loaded once. */
  function resolverWithSources() {
    const own = new Map(
      db
        .select()
        .from(unitAlertThresholds)
        .all()
        .map((r) => [r.unitId, r]),
    );
    const tree = new Map(
      db
        .select({ id: units.id, code: units.code, parentId: units.parentId })
        .from(units)
        .all()
        .map((u) => [u.id, u]),
    );
    const memo = new Map<number, { values: Values; source: Sources }>();
    const resolve = (unitId: number): { values: Values; source: Sources } => {
      const hit = memo.get(unitId);
      if (hit) return hit;
      const values = { ...globalValues };
      const source: Sources = { offlineMin: 'global', tempC: 'global', diskPct: 'global' };
      const open = new Set<Field>(FIELDS);
      let id: number | null | undefined = unitId;
      for (let depth = 0; id != null && open.size > 0 && depth < 32; depth++) {
        const row = own.get(id);
        const unit = tree.get(id);
        for (const f of [...open]) {
          const v = row?.[f];
          if (v != null) {
            values[f] = v;
            source[f] = unit?.code ?? String(id);
            open.delete(f);
          }
        }
        id = unit?.parentId;
      }
      const out = { values, source };
      memo.set(unitId, out);
      return out;
    };
    return resolve;
  }

  function view(unitId: number): ThresholdsView {
    const row = db.select().from(unitAlertThresholds).where(eq(unitAlertThresholds.unitId, unitId)).get();
    const { values, source } = resolverWithSources()(unitId);
    const code = db.select({ code: units.code }).from(units).where(eq(units.id, unitId)).get()?.code ?? '';
    return {
      unitCode: code,
      own: { offlineMin: row?.offlineMin ?? null, tempC: row?.tempC ?? null, diskPct: row?.diskPct ?? null },
      effective: values,
      source,
      global: globalValues,
    };
  }

  return {
    view,

    /** Replaces the unit's own settings (absent or null fields inherit); all null removes them. */
    set(unitId: number, input: ThresholdFields, userId: number | null): ThresholdsView {
      const v = { offlineMin: input.offlineMin ?? null, tempC: input.tempC ?? null, diskPct: input.diskPct ?? null };
      if (FIELDS.every((f) => v[f] === null)) {
        db.delete(unitAlertThresholds).where(eq(unitAlertThresholds.unitId, unitId)).run();
      } else {
        const row = { ...v, updatedBy: userId, updatedAt: deps.clock() };
        db.insert(unitAlertThresholds)
          .values({ unitId, ...row })
          .onConflictDoUpdate({ target: unitAlertThresholds.unitId, set: row })
          .run();
      }
      return view(unitId);
    },

    /** For one evaluation pass: unit id → the thresholds in force there. */
    resolver(): (unitId: number) => AlertThresholds {
      const resolve = resolverWithSources();
      const memo = new Map<number, AlertThresholds>();
      return (unitId) => {
        let t = memo.get(unitId);
        if (!t) {
          t = toConfig(resolve(unitId).values);
          memo.set(unitId, t);
        }
        return t;
      };
    },
  };
}
export type AlertThresholdsService = ReturnType<typeof createAlertThresholds>;
