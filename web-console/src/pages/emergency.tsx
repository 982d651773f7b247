import { useEffect, useState } from 'preact/hooks';
import {
  EmergencyReachSchema,
  type EmergencyWithReach,
  emergencyEventsUrl,
  getEmergency,
  listEmergencies,
  reachPct,
  stopEmergency,
} from '../api/emergencies.js';
import { Badge, ErrorNote, Loading, Page, Unavailable } from '../components/ui.js';
import { t, vnTime } from '../i18n.js';
import type { MicSession } from '../mic.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';
import { EmergencyForm } from './emergency-form.js';
import { MicStatus } from './mic-status.js';

/**
 * Start an emergency broadcast (roles with `emergency.start`), watch its reach fill up live (server-sent
 * `reach` events, with polling of the GET as the fallback), stop it. Everyone may see the list.
 */
export function EmergencyPage() {
  const s = useSession();
  const existing = useAsync(listEmergencies, []);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [mic, setMic] = useState<MicSession | null>(null);
  // A microphone left on air with no page to stop it is worse than a cut announcement: leaving ends it.
  useEffect(() => () => void mic?.stop(), [mic]);

  if (existing.loading && !existing.data && !existing.error) return <Loading />;
  if (existing.missing)
    return (
      <Page title={t('nav.emergency')}>
        <Unavailable what="emg.missing" api="POST /api/v1/emergencies" />
      </Page>
    );
  const canStart = s.can('emergency.start');
  return (
    <Page title={t('nav.emergency')}>
      <ErrorNote error={existing.error} />
      {currentId ? (
        <Watch
          id={currentId}
          canStop={canStart}
          mic={mic}
          onClose={() => {
            void mic?.stop();
            setMic(null);
            setCurrentId(null);
            existing.reload();
          }}
        />
      ) : canStart ? (
        <EmergencyForm
          onStarted={(id, m) => {
            setMic(m);
            setCurrentId(id);
            existing.reload();
          }}
        />
      ) : (
        <p class="muted">{t('emg.viewOnly')}</p>
      )}
      {(existing.data ?? []).length > 0 && (
        <>
          <h2>{t('emg.recent')}</h2>
          <ul data-testid="emergencies">
            {existing.data?.map((x) => (
              <li key={x.id}>
                <button type="button" class="linklike" onClick={() => setCurrentId(x.id)}>
                  {x.title}
                </button>{' '}
                — <Badge state={x.state} label={t(`emg.state.${x.state}`)} />, {vnTime(x.startedAt)}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

/** One emergency's reach, live; with the operator's microphone as its source, the mic's state too. */
function Watch({
  id,
  canStop,
  mic,
  onClose,
}: {
  id: string;
  canStop: boolean;
  mic: MicSession | null;
  onClose: () => void;
}) {
  const [data, setData] = useState<EmergencyWithReach | null>(null);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => getEmergency(id).then(setData, setError);

  useEffect(() => {
    setData(null);
    void refresh();
    const es = new EventSource(emergencyEventsUrl(id));
    es.addEventListener('reach', (e) => {
      const parsed = EmergencyReachSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
      if (parsed.success) {
        setData(parsed.data);
        setLive(true);
      }
    });
    es.onerror = () => setLive(false);
    return () => es.close();
  }, [id]);
  // Without the event stream (a proxy that buffers it), poll.
  useInterval(() => {
    if (!live) void refresh();
  }, 3000);

  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const { emergency: e, reach: r } = data;
  const active = e.state === 'active';
  const pct = reachPct(r, active);
  const stop = async () => {
    setError(null);
    if (!confirm(t('emg.confirmStop', { title: e.title }))) return;
    try {
      await stopEmergency(id, t('emg.stoppedByOperator'));
      await mic?.stop();
      await refresh();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <article aria-live="polite">
      <h2>
        {e.title} <Badge state={e.state} label={t(`emg.state.${e.state}`)} />
      </h2>
      <p data-testid="reach">
        {active
          ? t('emg.reach', { playing: r.playing, targeted: r.targeted, pct })
          : t('emg.reached', { started: r.started, targeted: r.targeted, pct })}
      </p>
      <progress value={pct} max={100} aria-label={t('emg.reachLabel')} />
      <dl class="facts">
        <dt>{t('emg.received')}</dt>
        <dd>{r.received}</dd>
        <dt>{t('emg.offline')}</dt>
        <dd>{r.offline}</dd>
        <dt>{t('emg.failed')}</dt>
        <dd>{r.failed}</dd>
        <dt>{t('emg.latency')}</dt>
        <dd>{r.latencyMs.started.p90 != null ? `${(r.latencyMs.started.p90 / 1000).toFixed(1)} s` : '—'}</dd>
        <dt>{t('emg.validUntil')}</dt>
        <dd>{vnTime(e.expiresAt)}</dd>
      </dl>
      {mic && active && <MicStatus mic={mic} />}
      <ErrorNote error={error} />
      <div class="row">
        {canStop && active && (
          <button type="button" class="contrast" onClick={stop}>
            {mic ? t('mic.stop') : t('emg.stop')}
          </button>
        )}
        <button type="button" class="secondary outline" onClick={onClose}>
          {t('emg.back')}
        </button>
      </div>
    </article>
  );
}
