import { useState } from 'preact/hooks';
import { type AuditFilter, auditCsvUrl, listAudit } from '../api/audit.js';
import { Badge, ErrorNote, Loading, Page } from '../components/ui.js';
import { t, vnTime } from '../i18n.js';
import { useAsync } from '../use-async.js';

const toIso = (local: string) => (local ? new Date(`${local}:00+07:00`).toISOString() : undefined);

export function AuditPage() {
  const [form, setForm] = useState({ from: '', to: '', action: '', actor: '' });
  const [filter, setFilter] = useState<AuditFilter>({ limit: 200 });
  const entries = useAsync(() => listAudit(filter), [filter]);
  const apply = (e: Event) => {
    e.preventDefault();
    const f: AuditFilter = { limit: 200 };
    const from = toIso(form.from);
    const to = toIso(form.to);
    if (from) f.from = from;
    if (to) f.to = to;
    if (form.action) f.action = form.action;
    if (form.actor) f.actorUserId = Number(form.actor);
    setFilter(f);
  };
  const actions = [...new Set((entries.data ?? []).map((e) => e.action))].sort();
  return (
    <Page title={t('nav.audit')}>
      <form class="row wrap filters" onSubmit={apply}>
        <label>
          {t('audit.from')}
          <input
            type="datetime-local"
            value={form.from}
            onInput={(e) => setForm({ ...form, from: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('audit.to')}
          <input
            type="datetime-local"
            value={form.to}
            onInput={(e) => setForm({ ...form, to: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('audit.action')}
          <input
            list="audit-actions"
            value={form.action}
            onInput={(e) => setForm({ ...form, action: e.currentTarget.value })}
          />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          {t('audit.actorId')}
          <input
            type="number"
            min={1}
            value={form.actor}
            onInput={(e) => setForm({ ...form, actor: e.currentTarget.value })}
          />
        </label>
        <button type="submit">{t('audit.filter')}</button>
        <a href={auditCsvUrl({ ...filter, limit: 10_000 })} download class="secondary">
          {t('audit.csv')}
        </a>
      </form>
      <ErrorNote error={entries.error} />
      {entries.loading && !entries.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {(entries.data ?? []).map((e) => (
                <tr key={e.id}>
                  <td>{vnTime(e.at)}</td>
                  <td>{e.actorName ?? e.actorDeviceId ?? '—'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
                  <td>
                    <Badge
                      state={e.outcome === 'ok' ? 'approved' : 'rejected'}
                      label={`${t(`outcome.${e.outcome as 'ok'}`)} ${e.statusCode ?? ''}`}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
