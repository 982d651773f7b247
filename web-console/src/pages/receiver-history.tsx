import { useState } from 'preact/hooks';
import {
  type DeviceEvent,
  deviceEvents,
  deviceHealth,
  type HealthMetric,
  metricSeries,
} from '../api/device-history.js';
import { DataTable } from '../components/data-table.js';
import { LineChart } from '../components/line-chart.js';
import { Badge, ErrorNote, Loading, Unavailable } from '../components/ui.js';
import { DICT } from '../dict/index.js';
import { type Key, t, vnTime } from '../i18n.js';
import { useAsync, useInterval } from '../use-async.js';

const LEVEL_BADGE: Record<string, string> = { info: 'online', warn: 'paused', error: 'failed' };
const label = (key: string, fallback: string) => (key in DICT ? t(key as Key) : fallback);
const PAGE = 20;

/** What the receiver's agent reported (started, rebooting, FM fallback, clock synced…), newest first. */
export function DeviceEvents({ id }: { id: string }) {
  const [older, setOlder] = useState<DeviceEvent[]>([]);
  const [cursor, setCursor] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const first = useAsync(() => deviceEvents(id, PAGE), [id]);
  // Newer events come in on the first page; once older pages are shown, the list stays put.
  useInterval(() => older.length === 0 && first.reload(), 10_000);
  if (first.missing) return null;
  const next = cursor === undefined ? first.data?.nextBefore : cursor;
  const more = async () => {
    if (!next) return;
    try {
      const page = await deviceEvents(id, PAGE, next);
      setOlder((o) => [...o, ...page.events]);
      setCursor(page.nextBefore);
    } catch (err) {
      setError(err);
    }
  };
  const rows = first.data ? [...first.data.events, ...older] : undefined;
  return (
    <article>
      <h2>{t('recv.events')}</h2>
      <DataTable
        rows={rows}
        loading={first.loading}
        error={first.error ?? error}
        testId="device-events"
        rowKey={(e) => e.seq}
        empty={t('recv.noEvents')}
        columns={[
          { head: t('recv.when'), cell: (e) => vnTime(e.deviceTs) },
          { head: t('recv.eventType'), cell: (e) => <code>{e.type}</code> },
          {
            head: t('recv.eventLevel'),
            cell: (e) => <Badge state={LEVEL_BADGE[e.level] ?? ''} label={label(`level.${e.level}`, e.level)} />,
          },
          { head: t('recv.eventMessage'), cell: (e) => e.message ?? '' },
        ]}
      />
      {next ? (
        <button type="button" class="secondary outline small" onClick={more}>
          {t('recv.moreEvents')}
        </button>
      ) : null}
    </article>
  );
}

const PERIODS = { '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000 } as const;
type Period = keyof typeof PERIODS;
const METRICS: Array<[HealthMetric, string]> = [
  ['temp', ' °C'],
  ['disk', ' %'],
  ['signal', ' dBm'],
];

/** Temperature, storage and signal over the chosen period (raw readings up to 6 h, then averages). */
export function HealthHistoryChart({ id }: { id: string }) {
  const [period, setPeriod] = useState<Period>('6h');
  const history = useAsync(() => {
    const to = Date.now();
    return deviceHealth(id, new Date(to - PERIODS[period]), new Date(to), period === '6h' ? 'raw' : 'auto');
  }, [id, period]);
  useInterval(() => history.reload(), 30_000);
  if (history.missing) return <Unavailable what="recv.noSamples" api="GET /api/v1/devices/:id/health" />;
  const h = history.data;
  const series = h ? METRICS.map(([m, unit]) => [m, unit, metricSeries(h, m)] as const) : [];
  return (
    <article>
      <h2>{t('recv.healthHistory')}</h2>
      <label>
        {t('recv.period')}
        <select value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
          {(Object.keys(PERIODS) as Period[]).map((p) => (
            <option key={p} value={p}>
              {t(`recv.period.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={history.error} />
      {!h ? (
        history.loading && <Loading />
      ) : series.every(([, , pts]) => pts.length === 0) ? (
        <p class="muted">{t('recv.noSamples')}</p>
      ) : (
        series
          .filter(([, , pts]) => pts.length > 0)
          .map(([m, unit, pts]) => (
            <figure key={m}>
              <figcaption>{t(`recv.metric.${m}`)}</figcaption>
              <LineChart points={pts} title={t(`recv.metric.${m}`)} unit={unit} testId={`health-${m}`} />
            </figure>
          ))
      )}
    </article>
  );
}
