import { useState } from 'preact/hooks';
import { getBulletin, type Transition, transition, transitionsFor } from '../api/bulletins.js';
import { Badge, ErrorNote, Loading, Notice, Page } from '../components/ui.js';
import { duration, t, vnTime } from '../i18n.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { NewBulletin } from './bulletin-form.js';

export function BulletinPage({ id }: { id: string }) {
  if (id === 'new') return <NewBulletin />;
  return <BulletinView id={Number(id)} />;
}

function BulletinView({ id }: { id: number }) {
  const s = useSession();
  const b = useAsync(() => getBulletin(id), [id]);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);

  if (b.loading && !b.data) return <Loading />;
  if (!b.data) return <ErrorNote error={b.error} />;
  const v = b.data.current;
  const may = {
    write: s.can('bulletins.write'),
    approve: s.can('bulletins.approve'),
    emergency: s.can('bulletins.emergency'),
  };
  const actions = transitionsFor(v.state, may, v.priority);
  const run = async (tr: Transition) => {
    if (tr === 'reject' && !rejecting) {
      setRejecting(true);
      return;
    }
    setError(null);
    try {
      await transition(id, tr, tr === 'reject' ? reason : undefined);
      setDone(t(`bact.done.${tr}`));
      setRejecting(false);
      b.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={v.title}>
      <p>
        <Badge state={v.state} label={t(`bstate.${v.state}`)} /> v{v.version} · {t(`prio.${v.priority}`)} ·{' '}
        {t(`field.${v.field as 1}`)} · {s.unitName(b.data.unitId)}
      </p>
      {v.rejectReason && (
        <p class="note error">
          {t('bull.rejectedBecause')}: {v.rejectReason}
        </p>
      )}
      {v.summary && <p>{v.summary}</p>}
      <dl class="facts">
        <dt>{t('bull.author')}</dt>
        <dd>{v.author || '—'}</dd>
        <dt>{t('media.length')}</dt>
        <dd>{duration(v.durationMs)}</dd>
        <dt>{t('bull.produced')}</dt>
        <dd>{vnTime(v.producedAt)}</dd>
        <dt>{t('bull.submitted')}</dt>
        <dd>{vnTime(v.submittedAt)}</dd>
        <dt>{t('bull.decided')}</dt>
        <dd>{vnTime(v.decidedAt)}</dd>
      </dl>
      <h2>{t('bull.items')}</h2>
      <ol>
        {v.items.map((i) => (
          <li key={i.sha256}>
            {i.title || i.sha256.slice(0, 12)} ({duration(i.durationMs)})
            {/* biome-ignore lint/a11y/useMediaCaption: the bulletin's text is its summary */}
            <audio
              controls
              preload="none"
              src={`/api/v1/media/${i.sha256}/file`}
              aria-label={t('media.preview', { title: i.title })}
            />
          </li>
        ))}
      </ol>
      {rejecting && (
        <label>
          {t('bull.rejectReason')}
          <textarea name="reason" rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      <ErrorNote error={error} />
      {done && <Notice>{done}</Notice>}
      <div class="row wrap" data-testid="bulletin-actions">
        {actions.map((a) => (
          <button
            type="button"
            key={a}
            class={a === 'reject' || a === 'archive' ? 'secondary' : a === 'approve-on-send' ? 'contrast' : ''}
            onClick={() => run(a)}
          >
            {t(`bact.${a}`)}
          </button>
        ))}
        {v.state === 'approved' && s.can('schedules.write') && (
          <button type="button" onClick={() => navigate(`/schedules?bulletin=${id}`)}>
            {t('bull.schedule')}
          </button>
        )}
      </div>
      {b.data.versions.length > 1 && (
        <details>
          <summary>{t('bull.versions')}</summary>
          <ul>
            {b.data.versions.map((x) => (
              <li key={x.id}>
                v{x.version}: {t(`bstate.${x.state}`)} — {vnTime(x.createdAt)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Page>
  );
}
