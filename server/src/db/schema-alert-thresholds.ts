import { integer, real, sqliteTable } from 'drizzle-orm/sqlite-core';

/**
 * A unit's own alert thresholds (issue 8). Each field is inherited down the unit tree: the nearest unit
 * (itself, then its parent …) that sets it wins, else the server's global setting. null: inherit.
 */
export const unitAlertThresholds = sqliteTable('unit_alert_thresholds', {
  unitId: integer('unit_id').primaryKey(),
  offlineMin: real('offline_min'),
  tempC: real('temp_c'),
  diskPct: real('disk_pct'),
  updatedBy: integer('updated_by'),
  updatedAt: integer('updated_at').notNull(),
});
