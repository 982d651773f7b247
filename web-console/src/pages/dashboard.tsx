import { useMemo } from 'preact/hooks';
import { countStates, type DeviceRow, listDevices } from '../api/devices.js';
import { unitPlayReport } from '../api/reports.js';
import { subtreeIds, unitTree } from '../api/units.js';
import { AlertsPanel } from '../components/alerts-panel.js';
import { DeviceMap } from '../components/device-map.js';
import { ErrorNote, Loading, Page } from '../components/ui.js';
import { UnitTree } from '../components/unit-tree.js';
import { t } from '../i18n.js';
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
  useInterval(() => {
    devices.reload();
    report.reload();
  }, 10_000);

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
          {/* An alert (a receiver offline, back) changes the counts above too: refresh them at once. */}
          <AlertsPanel onEvent={devices.reload} />
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
