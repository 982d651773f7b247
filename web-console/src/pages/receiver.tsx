import { deviceLogs, devicePlaylist, getDevice, stateOf } from '../api/devices.js';
import { listLibrary } from '../api/library.js';
import { listSchedules } from '../api/schedules.js';
import { DataTable } from '../components/data-table.js';
import { Badge, ErrorNote, Loading, Page } from '../components/ui.js';
import { ago, duration, t, vnTime } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';
import { CommandHistory, Controls } from './receiver-controls.js';
import { DeviceEvents, HealthHistoryChart } from './receiver-history.js';

export function ReceiverPage({ id }: { id: string }) {
  const s = useSession();
  const dev = useAsync(() => getDevice(id), [id]);
  const logs = useAsync(() => deviceLogs(id, 50), [id]);
  const programme = useAsync(
    () => (s.can('schedules.read') ? devicePlaylist(id) : Promise.resolve({ items: [] })),
    [id],
  );
  const names = useAsync(async () => {
    const [items, schedules] = await Promise.all([
      listLibrary().catch(() => []),
      s.can('schedules.read') ? listSchedules().catch(() => []) : [],
    ]);
    return {
      bySha: new Map(items.map((i) => [i.sha256, i.title])),
      bySchedule: new Map(schedules.map((x) => [x.id, x.title])),
    };
  }, [id]);
  useInterval(() => {
    dev.reload();
    logs.reload();
  }, 5000);
  /** A scheduled play's key is `s<schedule>r<revision>t<instant>`; anything else is named by its audio. */
  const whatPlayed = (playId: string, sha256: string) => {
    const schedule = /^s(\d+)r/.exec(playId)?.[1];
    return (schedule && names.data?.bySchedule.get(Number(schedule))) || names.data?.bySha.get(sha256) || playId;
  };

  if (dev.loading && !dev.data) return <Loading />;
  if (!dev.data) return <ErrorNote error={dev.error} />;
  const { device, status } = dev.data;
  const h = status?.health;
  const st = stateOf({ status, revokedAt: device.revokedAt });
  return (
    <Page title={device.name}>
      <p>
        <Badge state={st} label={t(`state.${st}`)} /> {s.unitName(device.unitId)} · <code>{device.id}</code>
      </p>
      <div class="grid-2">
        <article>
          <h2>{t('recv.health')}</h2>
          {h ? (
            <dl class="facts">
              <dt>{t('recv.link')}</dt>
              <dd>
                {t(`link.${h.link.type}`)}
                {h.link.signalDbm != null ? `, ${h.link.signalDbm} dBm` : ''}
              </dd>
              <dt>{t('recv.temp')}</dt>
              <dd>{h.cpuTempC != null ? `${h.cpuTempC.toFixed(1)} °C` : '—'}</dd>
              <dt>{t('recv.volume')}</dt>
              <dd>
                {h.volume}
                {h.muted ? ` (${t('recv.muted')})` : ''}
              </dd>
              <dt>{t('recv.disk')}</dt>
              <dd>{h.diskUsedPct != null ? `${Math.round(h.diskUsedPct)} %` : '—'}</dd>
              <dt>{t('recv.power')}</dt>
              <dd>{h.power ? (h.power.underVoltage ? t('recv.underVoltage') : t('recv.powerOk')) : '—'}</dd>
              <dt>{t('recv.amplifier')}</dt>
              <dd>{h.amplifierOn == null ? '—' : h.amplifierOn ? t('ui.on') : t('ui.off')}</dd>
              <dt>{t('recv.version')}</dt>
              <dd>{h.agentVersion}</dd>
              <dt>{t('recv.lastSeen')}</dt>
              <dd>{status ? ago(status.lastSeenAt) : '—'}</dd>
              <dt>{t('recv.nowPlaying')}</dt>
              <dd data-testid="now-playing">{h.playing ? h.playing.playId : t('recv.idle')}</dd>
            </dl>
          ) : (
            <p class="muted">{t('recv.noHealth')}</p>
          )}
        </article>
        {s.can('devices.control') && device.revokedAt === null ? (
          <Controls id={id} volume={h?.volume ?? device.volume} playing={!!h?.playing} onDone={dev.reload} />
        ) : null}
      </div>
      <CommandHistory id={id} />
      <article>
        <h2>{t('recv.history')}</h2>
        <DataTable
          rows={logs.data?.logs}
          loading={logs.loading}
          error={logs.error}
          testId="play-log"
          rowKey={(l) => l.id}
          columns={[
            { head: t('recv.when'), cell: (l) => vnTime(l.startedAt ?? l.receivedAt) },
            {
              head: t('recv.event'),
              cell: (l) => (
                <Badge
                  state={l.event === 'finished' ? 'played' : l.event}
                  label={t(`event.${l.event}` as 'event.finished')}
                />
              ),
            },
            { head: t('recv.what'), cell: (l) => <span title={l.playId}>{whatPlayed(l.playId, l.sha256)}</span> },
            { head: t('recv.played'), cell: (l) => (l.playedMs != null ? duration(l.playedMs) : '—') },
            { head: t('recv.reason'), cell: (l) => l.reason ?? '' },
          ]}
        />
      </article>
      <HealthHistoryChart id={id} />
      <DeviceEvents id={id} />
      {s.can('schedules.read') && (
        <article>
          <h2>{t('recv.programme')}</h2>
          {(programme.data?.items ?? []).length === 0 ? (
            <p class="muted">{t('recv.noProgramme')}</p>
          ) : (
            <ul>
              {programme.data?.items.map((i) => (
                <li key={i.key}>
                  {i.local} — {i.title} ({duration(i.durationMs)}) <Badge state={i.status} label={i.status} />
                </li>
              ))}
            </ul>
          )}
        </article>
      )}
    </Page>
  );
}
