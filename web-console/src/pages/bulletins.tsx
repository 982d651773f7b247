import { type BulletinState, listBulletins } from '../api/bulletins.js';
import { Badge, ErrorNote, Loading, Page } from '../components/ui.js';
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
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t('bull.title')}</th>
                <th scope="col">{t('bull.state')}</th>
                <th scope="col">{t('bull.priority')}</th>
                <th scope="col">{t('media.length')}</th>
                <th scope="col">{t('recv.unit')}</th>
                <th scope="col">{t('bull.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((b) => (
                <tr key={b.id} data-bulletin={b.id}>
                  <td>
                    <Link href={`/bulletins/${b.id}`}>{b.current.title}</Link>
                    {b.current.version > 1 && <small class="muted"> v{b.current.version}</small>}
                  </td>
                  <td>
                    <Badge state={b.current.state} label={t(`bstate.${b.current.state}`)} />
                  </td>
                  <td>{t(`prio.${b.current.priority}`)}</td>
                  <td>{duration(b.current.durationMs)}</td>
                  <td>{s.unitName(b.unitId)}</td>
                  <td>{vnTime(b.current.submittedAt ?? b.current.createdAt)}</td>
                </tr>
              ))}
              {list.data?.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    {t('bull.none')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
