import { useEffect, useState } from 'preact/hooks';
import {
  type Emergency,
  EmergencySchema,
  emergencyEventsUrl,
  getEmergency,
  listEmergencies,
  reachPct,
  startEmergency,
  stopEmergency,
} from '../api/emergencies.js';
import { listLibrary } from '../api/library.js';
import { ErrorNote, Loading, Page, Unavailable } from '../components/ui.js';
import { t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

/**
 * Start an emergency broadcast, watch its reach fill up live (server-sent events, with the GET as the
 * fallback), stop it. Until the emergency API is on this server the page says it is not available.
 */
export function EmergencyPage() {
  const s = useSession();
  const existing = useAsync(listEmergencies, []);
  const library = useAsync(() => listLibrary(), []);
  const [current, setCurrent] = useState<Emergency | null>(null);
  const [title, setTitle] = useState('');
  const [sha, setSha] = useState('');
  const [unitCode, setUnitCode] = useState(s.unit?.code ?? '');
  const [repeat, setRepeat] = useState(2);
  const [minutes, setMinutes] = useState(30);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!current) return;
    const es = new EventSource(emergencyEventsUrl(current.id));
    es.onmessage = (e) => {
      const parsed = EmergencySchema.safeParse(JSON.parse(e.data as string));
      if (parsed.success) setCurrent(parsed.data);
    };
    es.onerror = () => {
      getEmergency(current.id).then(setCurrent, setError);
    };
    return () => es.close();
  }, [current?.id]);

  if (existing.loading && !existing.data && !existing.error) return <Loading />;
  if (existing.missing)
    return (
      <Page title={t('nav.emergency')}>
        <Unavailable what="emg.missing" api="POST /api/v1/emergencies" />
      </Page>
    );

  const start = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!confirm(t('emg.confirm', { title }))) return;
    try {
      const r = await startEmergency({
        title,
        targets: { unitCodes: [unitCode], deviceIds: [] },
        source: { kind: 'media', sha256: sha },
        repeat,
        expiresInMinutes: minutes,
      });
      setCurrent(await getEmergency(r.id));
    } catch (err) {
      setError(err);
    }
  };
  const stop = async () => {
    if (!current) return;
    try {
      await stopEmergency(current.id, t('emg.stoppedByOperator'));
      setCurrent(await getEmergency(current.id));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={t('nav.emergency')}>
      <ErrorNote error={error ?? existing.error} />
      {current ? (
        <article aria-live="polite">
          <h2>{current.title}</h2>
          <p data-testid="reach">
            {t('emg.reach', {
              playing: current.reach.playing,
              targeted: current.reach.targeted,
              pct: reachPct(current.reach),
            })}
          </p>
          <progress value={reachPct(current.reach)} max={100} aria-label={t('emg.reachLabel')} />
          <button type="button" class="contrast" onClick={stop}>
            {t('emg.stop')}
          </button>
        </article>
      ) : (
        <form onSubmit={start}>
          <label>
            {t('emg.title')}
            <input name="title" required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label>
            {t('emg.audio')}
            <select name="audio" required value={sha} onChange={(e) => setSha(e.currentTarget.value)}>
              <option value="">{t('ui.choose')}</option>
              {library.data?.map((i) => (
                <option key={i.id} value={i.sha256}>
                  {i.title}
                </option>
              ))}
            </select>
          </label>
          <div class="row wrap">
            <label>
              {t('sch.target')}
              <select value={unitCode} onChange={(e) => setUnitCode(e.currentTarget.value)}>
                {s.units.map((u) => (
                  <option key={u.id} value={u.code}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('emg.repeat')}
              <input
                type="number"
                min={1}
                max={20}
                value={repeat}
                onInput={(e) => setRepeat(Number(e.currentTarget.value))}
              />
            </label>
            <label>
              {t('emg.expires')}
              <input
                type="number"
                min={1}
                max={1440}
                value={minutes}
                onInput={(e) => setMinutes(Number(e.currentTarget.value))}
              />
            </label>
          </div>
          <button type="submit" class="contrast">
            {t('emg.start')}
          </button>
        </form>
      )}
      {(existing.data ?? []).length > 0 && (
        <>
          <h2>{t('emg.recent')}</h2>
          <ul>
            {existing.data?.map((x) => (
              <li key={x.id}>
                <button type="button" class="linklike" onClick={() => setCurrent(x)}>
                  {x.title}
                </button>{' '}
                — {x.state}, {reachPct(x.reach)} %
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
