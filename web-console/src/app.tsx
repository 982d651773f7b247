import { useEffect, useState } from 'preact/hooks';
import { logout as apiLogout, me, type User } from './api/auth.js';
import { ApiError } from './api/http.js';
import { listUnits } from './api/units.js';
import { Layout } from './components/layout.js';
import { ErrorNote, Loading } from './components/ui.js';
import { getLang, type Lang, setLang, t } from './i18n.js';
import { AccountPage } from './pages/account.js';
import { AuditPage } from './pages/audit.js';
import { BulletinPage } from './pages/bulletin.js';
import { BulletinsPage } from './pages/bulletins.js';
import { DashboardPage } from './pages/dashboard.js';
import { EmergencyPage } from './pages/emergency.js';
import { LoginPage } from './pages/login.js';
import { MediaPage } from './pages/media.js';
import { ReceiverPage } from './pages/receiver.js';
import { ReceiversPage } from './pages/receivers.js';
import { ReportsPage } from './pages/reports.js';
import { SchedulesPage } from './pages/schedules.js';
import { UnitsPage } from './pages/units.js';
import { UsersPage } from './pages/users.js';
import { match, navigate, useLocation } from './router.js';
import { makeSession, type Session, SessionContext } from './session.js';

function Routes() {
  const { path } = useLocation();
  const receiver = match('/receivers/:id', path);
  const bulletin = match('/bulletins/:id', path);
  if (path === '/') return <DashboardPage />;
  if (path === '/receivers') return <ReceiversPage />;
  if (receiver) return <ReceiverPage id={receiver.id!} />;
  if (path === '/media') return <MediaPage />;
  if (path === '/bulletins') return <BulletinsPage />;
  if (bulletin) return <BulletinPage id={bulletin.id!} />;
  if (path === '/schedules') return <SchedulesPage />;
  if (path === '/emergency') return <EmergencyPage />;
  if (path === '/reports') return <ReportsPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/units') return <UnitsPage />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/account') return <AccountPage />;
  return <p>{t('ui.pageNotFound')}</p>;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(getLang());
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const { path } = useLocation();

  const changeLang = (l: Lang) => {
    setLang(l);
    setLangState(l);
  };
  const doLogout = () => {
    apiLogout().finally(() => {
      setSession(null);
      navigate('/login');
    });
  };
  const start = async (user: User) => {
    setSession(makeSession(user, await listUnits(), doLogout));
  };

  useEffect(() => {
    document.documentElement.lang = lang;
    me()
      .then((r) => start(r.user))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setSession(null);
        else setError(err);
      });
  }, []);

  if (error) return <ErrorNote error={error} />;
  if (session === undefined) return <Loading />;
  if (session === null || path === '/login')
    return (
      <LoginPage
        key={lang}
        onLang={changeLang}
        onLogin={async (user) => {
          await start(user);
          if (path === '/login') navigate('/', true);
        }}
        loggedIn={session !== null}
      />
    );
  return (
    <SessionContext.Provider value={session}>
      <Layout key={lang} onLang={changeLang}>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}
