import { ROLE_LABELS } from '@nguon/schemas';
import { useState } from 'preact/hooks';
import { changePassword } from '../api/auth.js';
import { ErrorNote, Notice, Page } from '../components/ui.js';
import { getLang, t } from '../i18n.js';
import { useSession } from '../session.js';

/** One's own account: who and where, and a new password (other sessions end, as the server does). */
export function AccountPage() {
  const s = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    setMismatch(next !== again);
    if (next !== again) return;
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={t('acct.title')}>
      <dl class="facts">
        <dt>{t('users.username')}</dt>
        <dd>{s.user.username}</dd>
        <dt>{t('users.role')}</dt>
        <dd>{ROLE_LABELS[s.user.role][getLang()]}</dd>
        <dt>{t('recv.unit')}</dt>
        <dd>{s.unit?.name ?? '—'}</dd>
      </dl>
      <form onSubmit={submit}>
        <h2>{t('acct.change')}</h2>
        <label>
          {t('acct.current')}
          <input
            type="password"
            autocomplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('acct.next')}
          <input
            type="password"
            autocomplete="new-password"
            minLength={10}
            required
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('acct.again')}
          <input
            type="password"
            autocomplete="new-password"
            required
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </label>
        {mismatch && (
          <p class="note error" role="alert">
            {t('acct.mismatch')}
          </p>
        )}
        <ErrorNote error={error} />
        {done && <Notice>{t('acct.done')}</Notice>}
        <button type="submit">{t('acct.save')}</button>
      </form>
    </Page>
  );
}
