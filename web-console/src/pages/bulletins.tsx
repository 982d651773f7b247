import { type BulletinState, listBulletins } from '../api/bulletins.js';
import { DataTable } from '../components/data-table.js';
import { Badge, Page } from '../components/ui.js';
import { duration, t, vnTime } from '../i18n.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

const TABS: Array<{ state: BulletinState | ''; label: 'bull.all' | 'bull.queue' | 'bull.approved' | 'bull.drafts' }> = [
  { state: 'submitted', label: 'bull.queue' },
  { state: '', label: 'bull.all' },
  { state: 'draft', label: 'bull.drafts' },
  { state: 'approved', label: 'bull.approved' },
];

export function BulletinsPage() {
  const s = useSession();
  const { search } = useLocation();
  const state = (search.get('state') ?? (s.can('bulletins.approve') ? 'submitted' : '')) as BulletinState | '';
  const list = useAsync(() => listBulletins(state || undefined), [state]);
  return (
    <Page
      title={t('nav.bulletins')}
      actions={
        s.can('bulletins.write') && (
          <button type="button" onClick={() => navigate('/bulletins/new')}>
            {t('bull.new')}
          </button>
        )
      }
    >
      <div class="tabs" role="tablist" aria-label={t('bull.filter')}>
        {TABS.map((tab) => (
          <Link
            key={tab.label}
            role="tab"
            aria-selected={tab.state === state}
            href={`/bulletins?state=${tab.state}`}
            class={tab.state === state ? 'active' : ''}
          >
            {t(tab.label)}
          </Link>
        ))}
      </div>
      <DataTable
        rows={list.data}
        loading={list.loading}
        error={list.error}
        rowKey={(b) => b.id}
        rowAttrs={(b) => ({ 'data-bulletin': b.id })}
        empty={t('bull.none')}
        columns={[
          {
            head: t('bull.title'),
            cell: (b) => (
              <>
                <Link href={`/bulletins/${b.id}`}>{b.current.title}</Link>
                {b.current.version > 1 && <small class="muted"> v{b.current.version}</small>}
              </>
            ),
          },
          {
            head: t('bull.state'),
            cell: (b) => <Badge state={b.current.state} label={t(`bstate.${b.current.state}`)} />,
          },
          { head: t('bull.priority'), cell: (b) => t(`prio.${b.current.priority}`) },
          { head: t('media.length'), cell: (b) => duration(b.current.durationMs) },
          { head: t('recv.unit'), cell: (b) => s.unitName(b.unitId) },
          { head: t('bull.updated'), cell: (b) => vnTime(b.current.submittedAt ?? b.current.createdAt) },
        ]}
      />
    </Page>
  );
}
