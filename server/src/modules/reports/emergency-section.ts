import type Database from 'better-sqlite3';

export interface EmergencyReportRow {
  id: string;
  title: string;
  startedAt: number;
  state: string;
  /** Receivers targeted when it started (and late joiners). */
  targeted: number;
  /** Receivers whose audio started. */
  reached: number;
  /** Median and slowest time from the start call to a receiver's audio start; null when none started. */
  medianLatencyMs: number | null;
  maxLatencyMs: number | null;
}

export interface EmergencySection {
  /** Kept for the console: always true now that every server records emergencies. */
  available: boolean;
  items: EmergencyReportRow[];
  totals: { count: number; targeted: number; reached: number };
}

/** The report's view of emergencies: in [from, to), started by or aimed at the given units. */
export type EmergencyReportSource = (unitIds: readonly number[], from: number, to: number) => EmergencySection;

interface Row {
  id: string;
  title: string;
  startedAt: number;
  state: string;
  targeted: number;
  latencies: string | null;
}

/** Reads the emergency module's tables (emergencies, emergency_reach). */
export function createEmergencyReportSource(sqlite: Database.Database): EmergencyReportSource {
  const query = sqlite.prepare(
    `SELECT e.id, e.title, e.started_at AS startedAt, e.state,
       (SELECT COUNT(*) FROM emergency_reach r WHERE r.emergency_id = e.id) AS targeted,
       (SELECT json_group_array(r.started_at - e.started_at) FROM emergency_reach r
          WHERE r.emergency_id = e.id AND r.started_at IS NOT NULL) AS latencies
     FROM emergencies e
     WHERE e.started_at >= ? AND e.started_at < ?
       AND (e.unit_id IN (SELECT value FROM json_each(?))
         OR EXISTS (SELECT 1 FROM json_each(e.target_unit_ids) t WHERE t.value IN (SELECT value FROM json_each(?))))
     ORDER BY e.started_at`,
  );
  return (unitIds, from, to) => {
    const units = JSON.stringify(unitIds);
    const items = (query.all(from, to, units, units) as Row[]).map(({ latencies, ...r }) => {
      const ms = (JSON.parse(latencies ?? '[]') as number[]).sort((a, b) => a - b);
      return {
        ...r,
        reached: ms.length,
        medianLatencyMs: ms.length ? (ms[Math.floor((ms.length - 1) / 2)] ?? null) : null,
        maxLatencyMs: ms.at(-1) ?? null,
      };
    });
    return {
      available: true,
      items,
      totals: {
        count: items.length,
        targeted: items.reduce((a, r) => a + r.targeted, 0),
        reached: items.reduce((a, r) => a + r.reached, 0),
      },
    };
  };
}
