import type Database from 'better-sqlite3';
import type { MonitoringConfig } from './monitoring.config.js';

export const STEPS = { '5m': 300_000, '1h': 3_600_000 } as const;
export type Step = 'raw' | keyof typeof STEPS;

const METRICS = [
  ['temp', 'cpu_temp_c'],
  ['disk', 'disk_used_pct'],
  ['mem', 'mem_used_pct'],
  ['signal', 'signal_dbm'],
  ['volume', 'volume'],
] as const;
const ROLLED_KEY = 'health_rolled_rowid';
const CKPT = 'health_ckpt:';

const rollupSql = (step: keyof typeof STEPS) => {
  const cols = METRICS.flatMap(([m]) => [`${m}_min`, `${m}_max`, `${m}_sum`, `${m}_n`]);
  const sel = METRICS.flatMap(([, c]) => [`min(${c})`, `max(${c})`, `sum(${c})`, `count(${c})`]);
  // Mergeable aggregates: a bucket rolled in two passes gets min of mins, sums of sums.
  const merge = METRICS.flatMap(([m]) => [
    `${m}_min = min(coalesce(${m}_min, excluded.${m}_min), coalesce(excluded.${m}_min, ${m}_min))`,
    `${m}_max = max(coalesce(${m}_max, excluded.${m}_max), coalesce(excluded.${m}_max, ${m}_max))`,
    `${m}_sum = coalesce(${m}_sum, 0) + coalesce(excluded.${m}_sum, 0)`,
    `${m}_n = ${m}_n + excluded.${m}_n`,
  ]);
  return `INSERT INTO health_rollups (device_id, step, bucket, n, ${cols.join(', ')})
    SELECT device_id, '${step}', (at / ${STEPS[step]}) * ${STEPS[step]}, count(*), ${sel.join(', ')}
    FROM health_samples WHERE rowid > ? AND rowid <= ? GROUP BY device_id, at / ${STEPS[step]}
    ON CONFLICT(device_id, step, bucket) DO UPDATE SET n = n + excluded.n, ${merge.join(', ')}`;
};

/**
 * Health history (issue 8): raw heartbeat samples for a short time, 5-minute and hourly min/avg/max
 * buckets for long windows. Rolling up is incremental by rowid (samples are appended), so no time index
 * is scanned; raw retention deletes by rowid up to checkpoints recorded as time passes.
 */
export function createHealthHistory(deps: {
  sqlite: Database.Database;
  config: MonitoringConfig['health'];
  clock: () => number;
}) {
  const { sqlite, config, clock } = deps;
  const meta = sqlite.prepare('SELECT value FROM monitor_meta WHERE key = ?').pluck();
  const setMeta = sqlite.prepare(
    'INSERT INTO monitor_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const maxRowid = sqlite.prepare('SELECT max(rowid) FROM health_samples').pluck();
  const roll5 = sqlite.prepare(rollupSql('5m'));
  const roll1h = sqlite.prepare(rollupSql('1h'));

  const rollup = sqlite.transaction(() => {
    const from = (meta.get(ROLLED_KEY) as number | undefined) ?? 0;
    const to = (maxRowid.get() as number | null) ?? 0;
    if (to <= from) return 0;
    roll5.run(from, to);
    roll1h.run(from, to);
    setMeta.run(ROLLED_KEY, to);
    // One checkpoint per 10 minutes: "rows up to this rowid were written before this time".
    setMeta.run(`${CKPT}${Math.floor(clock() / 600_000) * 600_000}`, to);
    return to - from;
  });

  const retain = sqlite.transaction(() => {
    const now = clock();
    const cks = sqlite.prepare(`SELECT key, value FROM monitor_meta WHERE key LIKE '${CKPT}%'`).all() as Array<{
      key: string;
      value: number;
    }>;
    const old = cks.filter((c) => Number(c.key.slice(CKPT.length)) < now - config.rawMs);
    const upTo = Math.max(0, ...old.map((c) => c.value));
    const rolled = (meta.get(ROLLED_KEY) as number | undefined) ?? 0;
    let deleted = 0;
    if (upTo > 0)
      deleted = sqlite.prepare('DELETE FROM health_samples WHERE rowid <= ?').run(Math.min(upTo, rolled)).changes;
    for (const c of old) sqlite.prepare('DELETE FROM monitor_meta WHERE key = ?').run(c.key);
    sqlite.prepare("DELETE FROM health_rollups WHERE step = '5m' AND bucket < ?").run(now - config.fiveMinMs);
    sqlite.prepare("DELETE FROM health_rollups WHERE step = '1h' AND bucket < ?").run(now - config.hourMs);
    return deleted;
  });

  return {
    rollup: () => rollup() as number,
    retain: () => retain() as number,

    /** `auto` picks raw up to 6 h, 5-minute buckets up to 7 days, hourly beyond. */
    series(deviceId: string, from: number, to: number, step: Step | 'auto') {
      const span = to - from;
      const s: Step = step !== 'auto' ? step : span <= 6 * 3_600_000 ? 'raw' : span <= 7 * 86_400_000 ? '5m' : '1h';
      if (s === 'raw') {
        const rows = sqlite
          .prepare(
            `SELECT at, cpu_temp_c AS cpuTempC, disk_used_pct AS diskUsedPct, mem_used_pct AS memUsedPct,
              signal_dbm AS signalDbm, load1, volume, muted, link_type AS linkType, amplifier_on AS amplifierOn,
              speaker_line_ok AS speakerLineOk, amplifier_fault AS amplifierFault
             FROM health_samples WHERE device_id = ? AND at >= ? AND at < ? ORDER BY at LIMIT 20000`,
          )
          .all(deviceId, from, to) as Array<Record<string, number | string | null>>;
        const bools = ['muted', 'amplifierOn', 'speakerLineOk', 'amplifierFault'];
        for (const r of rows) for (const k of bools) r[k] = r[k] === null ? null : ((r[k] === 1) as unknown as number);
        return { step: s, points: rows };
      }
      const rows = sqlite
        .prepare(
          'SELECT * FROM health_rollups WHERE device_id = ? AND step = ? AND bucket >= ? AND bucket < ? ORDER BY bucket',
        )
        .all(deviceId, s, Math.floor(from / STEPS[s]) * STEPS[s], to) as Array<Record<string, number | null>>;
      return {
        step: s,
        points: rows.map((r) => ({
          at: r.bucket,
          n: r.n,
          ...Object.fromEntries(
            METRICS.map(([m]) => {
              const n = r[`${m}_n`] ?? 0;
              return [m, n === 0 ? null : { min: r[`${m}_min`], avg: (r[`${m}_sum`] ?? 0) / n, max: r[`${m}_max`] }];
            }),
          ),
        })),
      };
    },
  };
}
export type HealthHistory = ReturnType<typeof createHealthHistory>;
