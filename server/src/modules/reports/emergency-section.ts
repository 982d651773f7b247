import type Database from 'better-sqlite3';

export interface EmergencyReportRow {
  id: string;
  title: string;
  startedAt: number;
  /** Receivers targeted when it started. */
  targeted: number | null;
  /** Receivers that confirmed playing; null when not recorded. */
  reached: number | null;
  /** Median time from start to a receiver's confirmation; null when not recorded. */
  medianLatencyMs: number | null;
  maxLatencyMs: number | null;
}

export interface EmergencySection {
  /** False when this server has no emergency records (the emergencies table does not exist). */
  available: boolean;
  items: EmergencyReportRow[];
  totals: { count: number; targeted: number; reached: number };
}

/** The report's view of emergencies: in [from, to), started by or aimed at the given units. */
export type EmergencyReportSource = (unitIds: readonly number[], from: number, to: number) => EmergencySection;

const empty = (available: boolean): EmergencySection => ({
  available,
  items: [],
  totals: { count: 0, targeted: 0, reached: 0 },
});

/** First of `names` that the table has, else null. */
const pick = (cols: Set<string>, ...names: string[]) => names.find((n) => cols.has(n)) ?? null;

/**
 * Reads the emergency module's `emergencies` table (built in parallel, issue 7) through the few columns a
 * report needs, found by name: id, title, started_at|created_at, unit_id|actor_unit_id, targeted,
 * reached|played_count|acked, median_latency_ms, max_latency_ms. Without the table, or without the
 * columns that place an emergency in time and in the tree, the section is empty and says so.
 */
export function createEmergencyReportSource(sqlite: Database.Database): EmergencyReportSource {
  return (unitIds, from, to) => {
    const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'emergencies'").get();
    if (!exists) return empty(false);
    const cols = new Set(
      (sqlite.prepare("SELECT name FROM pragma_table_info('emergencies')").all() as Array<{ name: string }>).map(
        (c) => c.name,
      ),
    );
    const at = pick(cols, 'started_at', 'created_at');
    const unit = pick(cols, 'unit_id', 'actor_unit_id');
    if (!at || !unit || !cols.has('id')) return empty(false);
    const col = (name: string | null, as: string) => `${name ?? 'NULL'} AS ${as}`;
    const rows = sqlite
      .prepare(
        `SELECT id, ${col(pick(cols, 'title'), 'title')}, ${at} AS startedAt, ${col(pick(cols, 'targeted', 'targeted_count'), 'targeted')},
          ${col(pick(cols, 'reached', 'played_count', 'acked'), 'reached')}, ${col(pick(cols, 'median_latency_ms'), 'medianLatencyMs')},
          ${col(pick(cols, 'max_latency_ms'), 'maxLatencyMs')}
         FROM emergencies WHERE ${unit} IN (SELECT value FROM json_each(?)) AND ${at} >= ? AND ${at} < ? ORDER BY ${at}`,
      )
      .all(JSON.stringify(unitIds), from, to) as EmergencyReportRow[];
    const items = rows.map((r) => ({ ...r, id: String(r.id), title: r.title ?? '' }));
    return {
      available: true,
      items,
      totals: {
        count: items.length,
        targeted: items.reduce((a, r) => a + (r.targeted ?? 0), 0),
        reached: items.reduce((a, r) => a + (r.reached ?? 0), 0),
      },
    };
  };
}
