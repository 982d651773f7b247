import { useState } from 'preact/hooks';
import { login, type User } from '../api/auth.js';
import { LangToggle } from '../components/layout.js';
import { ErrorNote } from '../components/ui.js';
import { type Lang, t } from '../i18n.js';
import { navigate } from '../router.js';

export function LoginPage(props: {
  onLogin: (u: User) => Promise<void>;
  onLang: (l: Lang) => void;
  loggedIn: boolean;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await login(username.trim(), password);
      await props.onLogin(r.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login container" id="main">
      <div class="login-lang">
        <LangToggle onLang={props.onLang} />
      </div>
      <article>
        <header>
          <h1>Nguồn</h1>
          <p class="muted">{t('login.subtitle')}</p>
        </header>
        {props.loggedIn ? (
          <p>
            {t('login.already')}{' '}
            <button type="button" onClick={() => navigate('/', true)}>
              {t('login.continue')}
            </button>
          </p>
        ) : (
          <form onSubmit={submit}>
            <label>
              {t('login.username')}
              <input
                name="username"
                autocomplete="username"
                required
                value={username}
                onInput={(e) => setUsername(e.currentTarget.value)}
              />
            </label>
            <label>
              {t('login.password')}
              <input
                name="password"
                type="password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <ErrorNote error={error} />
            <button type="submit" aria-busy={busy} disabled={busy}>
              {t('login.submit')}
            </button>
          </form>
        )}
      </article>
    </main>
  );
}
