import type { ComponentChildren } from 'preact';
import { describeError, technical } from '../errors.js';
import { type Key, t } from '../i18n.js';

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const tech = technical(error);
  return (
    <div class="note error" role="alert">
      <p>{describeError(error)}</p>
      {tech && (
        <details>
          <summary>{t('ui.technical')}</summary>
          <code>{tech}</code>
        </details>
      )}
    </div>
  );
}

/** A feature whose API this server does not have (yet): said plainly, never filled with made-up data. */
export function Unavailable({ what, api }: { what: Key; api: string }) {
  return (
    <div class="note unavailable" role="status" data-testid="unavailable">
      <p>
        <strong>{t('ui.unavailable')}</strong> {t(what)}
      </p>
      <p class="muted">{t('ui.unavailableApi', { api })}</p>
    </div>
  );
}

export function Loading() {
  return (
    <p aria-busy="true" class="muted">
      {t('ui.loading')}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="note ok" role="status">
      {children}
    </div>
  );
}

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div class="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export const STATE_CLASS: Record<string, string> = {
  offline: 'bad',
  online: 'good',
  playing: 'info',
  revoked: 'muted',
  draft: 'muted',
  submitted: 'warn',
  approved: 'good',
  rejected: 'bad',
  archived: 'muted',
  active: 'good',
  paused: 'warn',
  cancelled: 'muted',
  played: 'good',
  missed: 'bad',
  failed: 'bad',
  skipped: 'warn',
  planned: 'muted',
  interrupted: 'warn',
  stopped: 'warn',
};

export function Badge({ state, label }: { state: string; label: string }) {
  return <span class={`badge ${STATE_CLASS[state] ?? ''}`}>{label}</span>;
}
