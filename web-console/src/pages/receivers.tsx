import { useState } from 'preact/hooks';
import { type DeviceRow, type DeviceState, listDevices, stateOf } from '../api/devices.js';
import { DataTable } from '../components/data-table.js';
import { Badge, Page } from '../components/ui.js';
import { ago, t } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';
import { BulkControl } from './bulk-control.js';

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
      <DataTable
        rows={devices.data && rows}
        loading={devices.loading}
        error={devices.error}
        rowKey={(d) => d.id}
        rowAttrs={(d) => ({ 'data-device': d.id })}
        empty={t('recv.none')}
        columns={[
          { head: t('recv.name'), cell: (d) => <Link href={`/receivers/${d.id}`}>{d.name}</Link> },
          { head: t('recv.unit'), cell: (d) => s.unitName(d.unitId) },
          {
            head: t('recv.state'),
            cell: (d) => {
              const st = stateOf(d);
              return <Badge state={st} label={t(`state.${st}`)} />;
            },
          },
          { head: t('recv.link'), cell: linkText },
          {
            head: t('recv.temp'),
            cell: (d) => {
              const c = d.status?.health?.cpuTempC;
              return c != null ? `${Math.round(c)} °C` : '—';
            },
          },
          {
            head: t('recv.volume'),
            cell: (d) => {
              const h = d.status?.health;
              return h ? `${h.volume}${h.muted ? ` (${t('recv.muted')})` : ''}` : d.volume;
            },
          },
          { head: t('recv.lastSeen'), cell: (d) => (d.status ? ago(d.status.lastSeenAt) : t('recv.never')) },
        ]}
      />
      {s.can('devices.control') && <BulkControl />}
    </Page>
  );
}
