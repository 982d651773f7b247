import { useEffect, useMemo } from 'preact/hooks';
import { ALERTS_STREAM_URL, listAlerts } from '../api/alerts.js';
import { countStates, type DeviceRow, listDevices } from '../api/devices.js';
import { unitPlayReport } from '../api/reports.js';
import { subtreeIds, unitTree } from '../api/units.js';
import { DeviceMap } from '../components/device-map.js';
import { ErrorNote, Loading, Page, Unavailable } from '../components/ui.js';
import { UnitTree } from '../components/unit-tree.js';
import { t, vnTime } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';

const DAY = 86_400_000;

/** Start of today in Vietnam (UTC+7), as an instant. */
export function vnDayStart(now = Date.now()): Date {
  const local = now + 7 * 3_600_000;
  return new Date(local - (local % DAY) - 7 * 3_600_000);
}

export function DashboardPage() {
  const s = useSession();
  const devices = useAsync(() => (s.can('devices.read') ? listDevices() : Promise.resolve([])), []);
  const code = s.unit?.code;
  const report = useAsync(
    () =>
      code && s.can('schedules.read')
        ? unitPlayReport(code, vnDayStart(), new Date(Date.now() + DAY))
        : Promise.resolve(null),
    [code],
  );
  const alerts = useAsync(() => listAlerts('open'), []);
  useInterval(() => {
    devices.reload();
    report.reload();
  }, 10_000);
  // Alerts are pushed (server-sent events) once monitoring is on the server; each one reloads the panel.
  const alertsLive = alerts.data !== undefined;
  useEffect(() => {
    if (!alertsLive) return;
    const es = new EventSource(ALERTS_STREAM_URL);
    es.onmessage = () => alerts.reload();
    return () => es.close();
  }, [alertsLive, alerts.reload]);

  const list = devices.data ?? [];
  const counts = countStates(list);
  const tree = useMemo(() => unitTree(s.units), [s.units]);
  const perUnit = (unitId: number) => {
    const ids = subtreeIds(s.units, unitId);
    const mine = list.filter((d: DeviceRow) => ids.has(d.unitId));
    const c = countStates(mine);
    return t('dash.unitCounts', { online: c.online + c.playing, total: mine.length - c.revoked });
  };
  const totals = report.data?.totals ?? {};

  return (
    <Page title={t('nav.dashboard')}>
      <div class="tiles" aria-live="polite">
        <Tile label={t('state.online')} value={counts.online + counts.playing} cls="good" id="online" />
        <Tile label={t('state.playing')} value={counts.playing} cls="info" id="playing" />
        <Tile label={t('state.offline')} value={counts.offline} cls="bad" id="offline" />
        <Tile label={t('dash.playedToday')} value={totals.played ?? 0} cls="good" id="played" />
        <Tile label={t('dash.missedToday')} value={totals.missed ?? 0} cls="bad" id="missed" />
        <Tile label={t('dash.scheduledToday')} value={totals.scheduled ?? 0} cls="" id="scheduled" />
      </div>
      <ErrorNote error={devices.error ?? report.error} />
      <div class="grid-2">
        <article>
          <h2>{t('dash.map')}</h2>
          {devices.loading && !devices.data ? (
            <Loading />
          ) : (
            <DeviceMap devices={list.filter((d) => d.revokedAt === null)} />
          )}
        </article>
        <article>
          <h2>{t('dash.alerts')}</h2>
          {alerts.missing ? (
            <Unavailable what="dash.alertsMissing" api="GET /api/v1/alerts" />
          ) : alerts.error ? (
            <ErrorNote error={alerts.error} />
          ) : alerts.data?.length === 0 ? (
            <p class="muted">{t('dash.noAlerts')}</p>
          ) : (
            <ul>
              {alerts.data?.map((a) => (
                <li key={a.id}>
                  <strong>{a.kind}</strong> {a.message ?? ''} <small class="muted">{vnTime(a.openedAt)}</small>
                </li>
              ))}
            </ul>
          )}
        </article>
      </div>
      <article>
        <h2>{t('dash.units')}</h2>
        <UnitTree nodes={tree} extra={(u) => perUnit(u.id)} />
      </article>
    </Page>
  );
}

function Tile({ label, value, cls, id }: { label: string; value: number; cls: string; id: string }) {
  return (
    <div class={`tile ${cls}`} data-testid={`tile-${id}`}>
      <span class="tile-value">{value}</span>
      <span class="tile-label">{label}</span>
    </div>
  );
}
