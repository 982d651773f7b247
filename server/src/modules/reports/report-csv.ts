import { csvCell } from '../audit/audit.service.js';
import type { UnitReport } from './reports.service.js';

const pct = (v: number | null) => (v === null ? '' : (v * 100).toFixed(3));

/**
 * The report as CSV (RFC 4180, UTF-8 BOM, formulas neutralised by the audit module's csvCell): one row
 * per unit of the subtree with its aggregated figures, then one row per day for the whole unit.
 */
export function reportToCsv(r: UnitReport): string {
  const head = [
    'section',
    'unit_code',
    'unit_name',
    'level',
    'parent_code',
    'day',
    'receivers',
    'uptime_pct',
    'scheduled',
    'played',
    'missed',
    'plays',
    'airtime_s',
  ];
  const lines = [head.join(',')];
  for (const u of r.units) {
    lines.push(
      [
        'unit',
        u.code,
        u.name,
        u.level,
        u.parentCode,
        '',
        u.receivers,
        pct(u.uptime),
        u.scheduled,
        u.played,
        u.missed,
        u.plays,
        Math.round(u.airtimeMs / 1000),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  for (const d of r.series) {
    lines.push(
      [
        'day',
        r.unit.code,
        r.unit.name,
        r.unit.level,
        '',
        d.day,
        r.totals.receivers,
        pct(d.uptime),
        d.scheduled,
        d.played,
        d.missed,
        d.plays,
        Math.round(d.airtimeMs / 1000),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
