import { z } from 'zod';
import { get, query } from './http.js';

/** Scheduled-vs-played counts (proof of play) of a unit's subtree: `GET /api/v1/units/:code/schedule-report`. */
export const PlayReportSchema = z.object({
  totals: z.record(z.string(), z.number()),
  devices: z.array(z.object({ deviceId: z.string(), counts: z.record(z.string(), z.number()) })),
});
export type PlayReport = z.infer<typeof PlayReportSchema>;

export const unitPlayReport = (code: string, from: Date, to: Date) =>
  get(
    `/api/v1/units/${encodeURIComponent(code)}/schedule-report${query({ from: from.toISOString(), to: to.toISOString() })}`,
    PlayReportSchema,
  );

/**
 * The unit report of monitoring (server/src/modules/reports/reports.service.ts):
 * `GET /api/v1/reports/units/:code` with uptime (a 0–1 ratio, null without receivers) for the unit, every
 * unit below it and every receiver, and one entry per Vietnam day; the same as CSV at `…/report.csv`.
 */
const Figures = z.object({
  receivers: z.number(),
  onlineMs: z.number(),
  windowMs: z.number(),
  uptime: z.number().nullable(),
  scheduled: z.number(),
  played: z.number(),
  missed: z.number(),
  plays: z.number(),
  airtimeMs: z.number(),
});
const UnitFigures = Figures.extend({
  code: z.string(),
  name: z.string(),
  level: z.string(),
  parentCode: z.string().nullable(),
});
export const UnitReportSchema = z.object({
  unit: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  from: z.number(),
  to: z.number(),
  totals: UnitFigures,
  units: z.array(UnitFigures),
  receivers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      unitCode: z.string(),
      onlineMs: z.number(),
      windowMs: z.number(),
      uptime: z.number().nullable(),
    }),
  ),
  series: z.array(Figures.omit({ receivers: true, onlineMs: true, windowMs: true }).extend({ day: z.string() })),
});
export type UnitReport = z.infer<typeof UnitReportSchema>;

const reportQuery = (from: Date, to: Date) => query({ from: from.toISOString(), to: to.toISOString() });
export const unitReport = (code: string, from: Date, to: Date) =>
  get(`/api/v1/reports/units/${encodeURIComponent(code)}${reportQuery(from, to)}`, UnitReportSchema);
/** The server's own CSV of the same report (one row per unit of the subtree, then one per day). */
export const unitReportCsvUrl = (code: string, from: Date, to: Date) =>
  `/api/v1/reports/units/${encodeURIComponent(code)}/report.csv${reportQuery(from, to)}`;
/** A 0–1 ratio as a whole percentage, or null. */
export const pct = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);

/** One CSV line per row; fields quoted when they need it (RFC 4180), formula-leading cells defused. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
}

export function downloadCsv(name: string, csv: string): void {
  // A BOM so spreadsheet programs read the Vietnamese text as UTF-8.
  const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
