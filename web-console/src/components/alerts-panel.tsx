import { useEffect, useState } from 'preact/hooks';
import {
  ALERTS_STREAM_URL,
  type Alert,
  AlertEventSchema,
  AlertSnapshotSchema,
  acknowledgeAlert,
  applyAlertEvent,
  listAlerts,
} from '../api/alerts.js';
import { isRouteMissing } from '../api/http.js';
import { DICT } from '../dict/index.js';
import { type Key, t, vnTime } from '../i18n.js';
import { useSession } from '../session.js';
import { Badge, ErrorNote, Loading, Unavailable } from './ui.js';

const label = (key: string, fallback: string) => (key in DICT ? t(key as Key) : fallback);
const STATE_BADGE: Record<Alert['state'], string> = { open: 'failed', acknowledged: 'paused', resolved: 'played' };

/**
 * The open and acknowledged alerts in the user's scope (issue 8 and 9): loaded once, then kept current by
 * the server-sent stream (`snapshot` on every (re)connect, one `alert` event per change), so an alert
 * shows up without a reload. Roles with `alerts.ack` acknowledge them here.
 */
export function AlertsPanel({ onEvent }: { onEvent?: () => void } = {}) {
  const s = useSession();
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [live, setLive] = useState(false);
  const [done, setDone] = useState('');

  useEffect(() => {
    let es: EventSource | null = null;
    listAlerts('active').then(
      (list) => {
        setAlerts(list);
        es = new EventSource(ALERTS_STREAM_URL);
        es.addEventListener('snapshot', (e) => {
          const parsed = AlertSnapshotSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
          if (parsed.success) setAlerts(parsed.data.alerts);
          setLive(true);
        });
        es.addEventListener('alert', (e) => {
          const parsed = AlertEventSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
          if (!parsed.success) return;
          setAlerts((cur) => applyAlertEvent(cur ?? [], parsed.data));
          onEvent?.();
        });
        es.onerror = () => setLive(false);
      },
      (err: unknown) => (isRouteMissing(err) ? setMissing(true) : setError(err)),
    );
    return () => es?.close();
  }, []);

  const ack = async (a: Alert) => {
    setError(null);
    setDone('');
    try {
      const updated = await acknowledgeAlert(a.id);
      setAlerts((cur) => applyAlertEvent(cur ?? [], { event: 'acknowledged', at: Date.now(), alert: updated }));
      setDone(t('alert.acked'));
    } catch (err) {
      setError(err);
    }
  };

  if (missing) return <Unavailable what="dash.alertsMissing" api="GET /api/v1/alerts" />;
  const mayAck = s.can('alerts.ack');
  return (
    <div data-testid="alerts">
      <p class="muted" aria-live="off">
        <small>{live ? t('alert.live') : alerts ? t('alert.reconnecting') : ''}</small>
      </p>
      <ErrorNote error={error} />
      {done && (
        <p role="status" class="muted">
          {done}
        </p>
      )}
      {alerts === null ? (
        !error && <Loading />
      ) : alerts.length === 0 ? (
        <p class="muted">{t('dash.noAlerts')}</p>
      ) : (
        <ul class="alerts" aria-live="polite">
          {alerts.map((a) => (
            <li key={a.id} data-alert={a.id} data-state={a.state}>
              <Badge state={STATE_BADGE[a.state]} label={t(`alert.state.${a.state}`)} />
              <div class="alert-text">
                <strong>{label(`alert.kind.${a.kind}`, a.kind)}</strong>
                {a.severity === 'critical' && ` (${t('alert.severity.critical')})`}: {a.title}{' '}
                <small class="muted">{t('alert.since', { time: vnTime(a.openedAt) })}</small>
              </div>
              {mayAck && a.state === 'open' && (
                <button
                  type="button"
                  class="secondary outline small"
                  aria-label={t('alert.ackOf', { title: a.title })}
                  onClick={() => ack(a)}
                >
                  {t('alert.ack')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
