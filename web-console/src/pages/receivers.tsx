import { useState } from 'preact/hooks';
import { type DeviceRow, type DeviceState, listDevices, stateOf } from '../api/devices.js';
import { Badge, ErrorNote, Loading, Page } from '../components/ui.js';
import { ago, t } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';

export function linkText(d: DeviceRow): string {
  const link = d.status?.health?.link;
  if (!link) return '—';
  return `${t(`link.${link.type}`)}${link.signalDbm != null ? `, ${link.signalDbm} dBm` : ''}`;
}

export function ReceiversPage() {
  const s = useSession();
  const devices = useAsync(listDevices, []);
  useInterval(devices.reload, 10_000);
  const [filter, setFilter] = useState<DeviceState | ''>('');
  const [q, setQ] = useState('');
  const rows = (devices.data ?? []).filter(
    (d) => (!filter || stateOf(d) === filter) && (!q || d.name.toLowerCase().includes(q.toLowerCase())),
  );
  return (
    <Page title={t('nav.receivers')}>
      <div class="filters">
        <label>
          {t('recv.search')}
          <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <label>
          {t('recv.state')}
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as DeviceState | '')}>
            <option value="">{t('ui.all')}</option>
            {(['online', 'playing', 'offline', 'revoked'] as const).map((st) => (
              <option key={st} value={st}>
                {t(`state.${st}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={devices.error} />
      {devices.loading && !devices.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t('recv.name')}</th>
                <th scope="col">{t('recv.unit')}</th>
                <th scope="col">{t('recv.state')}</th>
                <th scope="col">{t('recv.link')}</th>
                <th scope="col">{t('recv.temp')}</th>
                <th scope="col">{t('recv.volume')}</th>
                <th scope="col">{t('recv.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => {
                const st = stateOf(d);
                const h = d.status?.health;
                return (
                  <tr key={d.id} data-device={d.id}>
                    <td>
                      <Link href={`/receivers/${d.id}`}>{d.name}</Link>
                    </td>
                    <td>{s.unitName(d.unitId)}</td>
                    <td>
                      <Badge state={st} label={t(`state.${st}`)} />
                    </td>
                    <td>{linkText(d)}</td>
                    <td>{h?.cpuTempC != null ? `${Math.round(h.cpuTempC)} °C` : '—'}</td>
                    <td>{h ? `${h.volume}${h.muted ? ` (${t('recv.muted')})` : ''}` : d.volume}</td>
                    <td>{d.status ? ago(d.status.lastSeenAt) : t('recv.never')}</td>
                  </tr>
                );
              })}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={7} class="muted">
                    {t('recv.none')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
