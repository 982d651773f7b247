import type { Permission } from '@nguon/schemas';
import { ROLE_LABELS } from '@nguon/schemas';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getLang, type Key, type Lang, t } from '../i18n.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';

/** Each page and the permission that shows it (the permission matrix decides, as on the server). */
export const NAV: Array<{ href: string; label: Key; permission: Permission | null }> = [
  { href: '/', label: 'nav.dashboard', permission: null },
  { href: '/receivers', label: 'nav.receivers', permission: 'devices.read' },
  { href: '/media', label: 'nav.media', permission: 'media.read' },
  { href: '/bulletins', label: 'nav.bulletins', permission: 'bulletins.read' },
  { href: '/schedules', label: 'nav.schedules', permission: 'schedules.read' },
  { href: '/emergency', label: 'nav.emergency', permission: 'emergency.read' },
  { href: '/reports', label: 'nav.reports', permission: 'schedules.read' },
  { href: '/users', label: 'nav.users', permission: 'users.read' },
  { href: '/units', label: 'nav.units', permission: 'units.read' },
  { href: '/audit', label: 'nav.audit', permission: 'audit.read' },
];

export function LangToggle({ onLang }: { onLang: (l: Lang) => void }) {
  const other: Lang = getLang() === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" class="secondary outline lang" onClick={() => onLang(other)} lang={other}>
      {other === 'en' ? 'English' : 'Tiếng Việt'}
    </button>
  );
}

export function Layout({ children, onLang }: { children: ComponentChildren; onLang: (l: Lang) => void }) {
  const session = useSession();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    setOpen(false);
    // After a navigation, move focus to the page so keyboard and screen-reader users start there.
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus();
  }, [path]);
  const who = `${session.user.displayName} · ${ROLE_LABELS[session.user.role][getLang()]} · ${session.unit?.name ?? ''}`;
  const items = NAV.filter((n) => n.permission === null || session.can(n.permission));
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header class="topbar">
        <button
          type="button"
          class="menu-btn secondary"
          aria-expanded={open}
          aria-controls="nav"
          onClick={() => setOpen(!open)}
        >
          {t('nav.menu')}
        </button>
        <Link href="/" class="brand">
          Nguồn
        </Link>
        <Link class="who" data-testid="who" href="/account" title={t('acct.title')}>
          {who}
        </Link>
        <LangToggle onLang={onLang} />
        <button type="button" class="secondary outline" onClick={session.logout}>
          {t('nav.logout')}
        </button>
      </header>
      <nav id="nav" class={open ? 'open' : ''} aria-label={t('nav.main')}>
        <Link class="who-nav muted" href="/account">
          {who}
        </Link>
        <ul>
          {items.map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={current(n.href) ? 'page' : undefined}>
                {t(n.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
