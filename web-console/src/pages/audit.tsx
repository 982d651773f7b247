import { useState } from 'preact/hooks';
import { type AuditFilter, auditCsvUrl, listAudit } from '../api/audit.js';
import { DataTable } from '../components/data-table.js';
import { Badge, Page } from '../components/ui.js';
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
      <DataTable
        rows={entries.data}
        loading={entries.loading}
        error={entries.error}
        rowKey={(e) => e.id}
        columns={[
          { head: t('audit.at'), cell: (e) => vnTime(e.at) },
          { head: t('audit.actor'), cell: (e) => e.actorName ?? e.actorDeviceId ?? '—' },
          { head: t('audit.action'), cell: (e) => <code>{e.action}</code> },
          { head: t('audit.target'), cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—') },
          {
            head: t('audit.outcome'),
            cell: (e) => (
              <Badge
                state={e.outcome === 'ok' ? 'approved' : 'rejected'}
                label={`${t(`outcome.${e.outcome as 'ok'}`)} ${e.statusCode ?? ''}`}
              />
            ),
          },
        ]}
      />
    </Page>
  );
}
