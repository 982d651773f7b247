import { mayGrant, ROLE_LABELS, ROLES, type Role } from '@nguon/schemas';
import { useState } from 'preact/hooks';
import { createUser, listUsers, patchUser, resetPassword, type UserView } from '../api/users.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNote, Notice, Page } from '../components/ui.js';
import { getLang, t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

export function UsersPage() {
  const s = useSession();
  const users = useAsync(listUsers, []);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const mayWrite = s.can('users.write');
  const grantable = ROLES.filter((r) => mayGrant(s.user.role, r));
  const act = async (fn: () => Promise<unknown>, what: string) => {
    setError(null);
    setDone('');
    try {
      await fn();
      setDone(what);
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const reset = (u: UserView) => {
    const pw = prompt(t('users.newPasswordFor', { name: u.username }));
    if (pw) void act(() => resetPassword(u.id, pw), t('users.passwordReset'));
  };
  return (
    <Page title={t('nav.users')}>
      {mayWrite && <NewUser roles={grantable} onDone={() => act(async () => {}, t('users.created'))} />}
      <ErrorNote error={error ?? users.error} />
      {done && <Notice>{done}</Notice>}
      <DataTable
        rows={users.data}
        loading={users.loading}
        rowKey={(u) => u.id}
        columns={[
          { head: t('users.username'), cell: (u) => u.username },
          { head: t('users.name'), cell: (u) => u.displayName },
          {
            head: t('users.role'),
            cell: (u) =>
              mayWrite && u.id !== s.user.id && mayGrant(s.user.role, u.role) ? (
                <select
                  aria-label={t('users.roleOf', { name: u.username })}
                  value={u.role}
                  onChange={(e) =>
                    act(() => patchUser(u.id, { role: e.currentTarget.value as Role }), t('users.saved'))
                  }
                >
                  {grantable.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r][getLang()]}
                    </option>
                  ))}
                </select>
              ) : (
                ROLE_LABELS[u.role][getLang()]
              ),
          },
          { head: t('recv.unit'), cell: (u) => s.unitName(u.unitId) },
          {
            head: t('bull.state'),
            cell: (u) =>
              u.disabled
                ? t('users.disabled')
                : u.lockedUntil && u.lockedUntil > Date.now()
                  ? t('users.locked')
                  : t('users.active'),
          },
          {
            head: t('ui.actions'),
            when: mayWrite,
            class: 'row',
            cell: (u) => (
              <>
                {u.id !== s.user.id && (
                  <button
                    type="button"
                    class="secondary outline small"
                    onClick={() => act(() => patchUser(u.id, { disabled: !u.disabled }), t('users.saved'))}
                  >
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                )}
                <button type="button" class="secondary outline small" onClick={() => reset(u)}>
                  {t('users.reset')}
                </button>
              </>
            ),
          },
        ]}
      />
    </Page>
  );
}

function NewUser({ roles, onDone }: { roles: Role[]; onDone: () => void }) {
  const s = useSession();
  const [f, setF] = useState({
    username: '',
    displayName: '',
    password: '',
    role: roles.at(-1) ?? 'viewer',
    unitCode: s.unit?.code ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await createUser({ ...f, role: f.role as Role });
      setF({ ...f, username: '', displayName: '', password: '' });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details>
      <summary>{t('users.new')}</summary>
      <form onSubmit={submit}>
        <div class="row wrap">
          <label>
            {t('users.username')}
            <input required pattern="[a-z0-9._\-]{3,50}" value={f.username} onInput={set('username')} />
          </label>
          <label>
            {t('users.name')}
            <input required value={f.displayName} onInput={set('displayName')} />
          </label>
          <label>
            {t('login.password')}
            <input
              type="password"
              required
              minLength={10}
              autocomplete="new-password"
              value={f.password}
              onInput={set('password')}
            />
          </label>
          <label>
            {t('users.role')}
            <select value={f.role} onChange={set('role')}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r][getLang()]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('recv.unit')}
            <select value={f.unitCode} onChange={set('unitCode')}>
              {s.units.map((u) => (
                <option key={u.id} value={u.code}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNote error={error} />
        <button type="submit">{t('users.create')}</button>
      </form>
    </details>
  );
}
