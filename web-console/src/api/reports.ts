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
 * Uptime and availability of a unit (monitoring, issue 8): `GET /api/v1/reports/units/:id`. Not part of
 * this build yet; the shape below is what the console expects, to be checked when monitoring is merged.
 */
export const UptimeReportSchema = z
  .object({
    unit: z.object({ code: z.string(), name: z.string() }).loose(),
    days: z.array(z.object({ date: z.string(), uptimePct: z.number() }).loose()),
  })
  .loose();
export type UptimeReport = z.infer<typeof UptimeReportSchema>;
export const unitUptimeReport = (code: string, from: Date, to: Date) =>
  get(
    `/api/v1/reports/units/${encodeURIComponent(code)}${query({ from: from.toISOString(), to: to.toISOString() })}`,
    UptimeReportSchema,
  );

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
