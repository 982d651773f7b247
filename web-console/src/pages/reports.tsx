import { useState } from 'preact/hooks';
import { downloadCsv, type PlayReport, toCsv, unitPlayReport } from '../api/reports.js';
import type { Unit } from '../api/units.js';
import { BarChart } from '../components/bar-chart.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNote, Loading, Page } from '../components/ui.js';
import { t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { vnDate } from '../week.js';
import { UptimeReport } from './uptime-report.js';

const DAY = 86_400_000;
const STATUSES = ['played', 'missed', 'skipped', 'failed', 'interrupted'] as const;

/** Scheduled vs played per unit below the user's, from proof of play; uptime from monitoring's unit report. */
export function ReportsPage() {
  const s = useSession();
  const [from, setFrom] = useState(() => vnDate(Date.now() - 6 * DAY));
  const [to, setTo] = useState(() => vnDate(Date.now()));
  const own = s.unit;
  const children = own ? s.units.filter((u) => u.parentId === own.id) : [];
  const rowsUnits: Unit[] = children.length > 0 ? children : own ? [own] : [];
  const range = (): [Date, Date] => [
    new Date(`${from}T00:00:00+07:00`),
    new Date(Date.parse(`${to}T00:00:00+07:00`) + DAY),
  ];
  const report = useAsync(async () => {
    const [a, b] = range();
    return Promise.all(rowsUnits.map(async (u) => ({ unit: u, report: await unitPlayReport(u.code, a, b) })));
  }, [from, to, own?.id]);

  const rows = report.data ?? [];
  const count = (r: PlayReport, k: string) => r.totals[k] ?? 0;
  const csv = () =>
    downloadCsv(
      `nguon-phat-${from}-${to}.csv`,
      toCsv(
        [t('rep.unit'), t('rep.code'), t('rep.scheduled'), ...STATUSES.map((k) => t(`pstatus.${k}`))],
        rows.map(({ unit, report: r }) => [
          unit.name,
          unit.code,
          count(r, 'scheduled'),
          ...STATUSES.map((k) => count(r, k)),
        ]),
      ),
    );
  return (
    <Page title={t('nav.reports')}>
      <div class="row wrap filters">
        <label>
          {t('sch.from')}
          <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('sch.to')}
          <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="button" class="secondary" onClick={csv} disabled={rows.length === 0}>
          {t('rep.csv')}
        </button>
      </div>
      <article>
        <h2>{t('rep.played')}</h2>
        <ErrorNote error={report.error} />
        {report.loading && !report.data ? (
          <Loading />
        ) : (
          <>
            <BarChart
              title={t('rep.played')}
              bars={rows.map(({ unit, report: r }) => ({
                label: unit.name,
                parts: [
                  { value: count(r, 'played'), className: 'bar-good', name: t('pstatus.played') },
                  { value: count(r, 'missed') + count(r, 'failed'), className: 'bar-bad', name: t('pstatus.missed') },
                  {
                    value: count(r, 'skipped') + count(r, 'interrupted'),
                    className: 'bar-warn',
                    name: t('pstatus.skipped'),
                  },
                ],
              }))}
            />
            <DataTable
              rows={rows}
              testId="report-table"
              label={t('rep.played')}
              rowKey={({ unit }) => unit.id}
              columns={[
                { head: t('rep.unit'), cell: ({ unit }) => unit.name },
                { head: t('rep.scheduled'), cell: ({ report: r }) => count(r, 'scheduled') },
                ...STATUSES.map((k) => ({
                  head: t(`pstatus.${k}`),
                  cell: ({ report: r }: (typeof rows)[number]) => count(r, k),
                })),
              ]}
            />
          </>
        )}
      </article>
      <article>
        <h2>{t('rep.uptime')}</h2>
        {own && <UptimeReport unit={own} from={range()[0]} to={range()[1]} />}
      </article>
    </Page>
  );
}
