import { pct, unitReport, unitReportCsvUrl } from '../api/reports.js';
import type { Unit } from '../api/units.js';
import { BarChart } from '../components/bar-chart.js';
import { DataTable } from '../components/data-table.js';
import { Unavailable } from '../components/ui.js';
import { t } from '../i18n.js';
import { useAsync } from '../use-async.js';

const show = (p: number | null) => (p === null ? t('rep.noReceivers') : `${p} %`);

/**
 * Uptime of the user's unit and every unit below it, and of each day of the period (monitoring's unit
 * report, issue 8): a bar chart of percentages, the same numbers in a table, and the server's CSV.
 */
export function UptimeReport({ unit, from, to }: { unit: Unit; from: Date; to: Date }) {
  const report = useAsync(() => unitReport(unit.code, from, to), [unit.code, from.getTime(), to.getTime()]);
  if (report.missing) return <Unavailable what="rep.uptimeMissing" api="GET /api/v1/reports/units/:code" />;
  const r = report.data;
  // The unit itself first, then the units right below it (deeper ones are in the CSV).
  const rows = r ? r.units.filter((u) => u.code === r.unit.code || u.parentCode === r.unit.code) : undefined;
  return (
    <>
      <div class="row wrap">
        <a href={unitReportCsvUrl(unit.code, from, to)} download class="secondary outline" data-testid="uptime-csv">
          {t('rep.uptimeCsv')}
        </a>
      </div>
      {r && (
        <>
          <h3>{t('rep.uptimeOf')}</h3>
          <BarChart
            title={t('rep.uptimeOf')}
            max={100}
            testId="uptime-chart"
            bars={(rows ?? []).map((u) => ({
              label: u.name,
              parts: [{ value: pct(u.uptime) ?? 0, className: 'bar-good', name: t('rep.uptimePct') }],
            }))}
          />
          <h3>{t('rep.uptimeDaily')}</h3>
          <BarChart
            title={t('rep.uptimeDaily')}
            max={100}
            bars={r.series.map((d) => ({
              label: d.day,
              parts: [{ value: pct(d.uptime) ?? 0, className: 'bar-good', name: t('rep.uptimePct') }],
            }))}
          />
        </>
      )}
      <DataTable
        rows={rows}
        loading={report.loading}
        error={report.error}
        testId="uptime-table"
        label={t('rep.uptimeOf')}
        rowKey={(u) => u.code}
        columns={[
          { head: t('rep.unit'), cell: (u) => u.name },
          { head: t('rep.code'), cell: (u) => u.code },
          { head: t('rep.receivers'), cell: (u) => u.receivers },
          { head: t('rep.uptimePct'), cell: (u) => show(pct(u.uptime)) },
        ]}
      />
    </>
  );
}
