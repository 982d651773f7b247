import { isRole, mayGrant } from '@nguon/schemas';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { users } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { AccountsService, AuthUser } from './accounts.service.js';
import { toAuthUser } from './accounts.service.js';
import { generatePassword, hashPassword } from './password.js';

export interface UserView extends AuthUser {
  disabled: boolean;
  lockedUntil: number | null;
  createdAt: number;
}

function view(u: typeof users.$inferSelect): UserView {
  return { ...toAuthUser(u), disabled: u.disabled, lockedUntil: u.lockedUntil, createdAt: u.createdAt };
}

/** Account management within a scope: who may create or change whom. */
export function createUsersService(deps: { db: Db; scopes: ScopeQueries; accounts: AccountsService }) {
  const { db, scopes } = deps;

  function assertGrant(actor: AuthUser, role: string, unitId: number, scope: Scope) {
    if (!isRole(role)) throw new AppError('validation_failed', `unknown role ${role}`);
    if (!mayGrant(actor.role, role)) throw new AppError('forbidden', `your role may not grant the role ${role}`);
    if (!scopes.inScope(scope, unitId)) throw new AppError('forbidden', 'that unit is outside your unit');
  }

  const row = (id: number) => {
    const u = db.select().from(users).where(eq(users.id, id)).get();
    if (!u) throw notFound(`user ${id}`);
    return u;
  };

  return {
    async create(
      actor: AuthUser | null,
      scope: Scope,
      input: { username: string; displayName: string; password: string; role: string; unitId: number },
    ): Promise<UserView> {
      if (actor) assertGrant(actor, input.role, input.unitId, scope);
      if (db.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get())
        throw new AppError('conflict', `username ${input.username} is taken`);
      const passwordHash = await hashPassword(input.password);
      const { password: _p, ...rest } = input;
      return view(
        db
          .insert(users)
          .values({ ...rest, passwordHash })
          .returning()
          .get(),
      );
    },

    /** Creates the first administrator if there is no user yet. Returns the password only when it made one up. */
    async ensureAdmin(unitId: number, password?: string): Promise<{ created: boolean; password?: string }> {
      if (db.select({ id: users.id }).from(users).limit(1).get()) return { created: false };
      const chosen = password ?? generatePassword();
      const input = { username: 'admin', displayName: 'Quản trị hệ thống', password: chosen, role: 'admin', unitId };
      await this.create(null, { all: true, unitId }, input);
      return { created: true, ...(password ? {} : { password: chosen }) };
    },

    unitOf(id: number): number {
      return row(id).unitId;
    },

    get(id: number): UserView {
      return view(row(id));
    },

    list(scope: Scope): UserView[] {
      const q = db.select().from(users);
      return (scope.all ? q.all() : q.where(inArray(users.unitId, scopes.subtreeIds(scope.unitId))).all()).map(view);
    },

    update(
      actor: AuthUser,
      scope: Scope,
      id: number,
      patch: {
        displayName?: string | undefined;
        role?: string | undefined;
        unitId?: number | undefined;
        disabled?: boolean | undefined;
      },
    ): UserView {
      const current = row(id);
      if (id === actor.id && (patch.role !== undefined || patch.disabled || patch.unitId !== undefined))
        throw new AppError('forbidden', 'you may not change your own role, unit or disable yourself');
      if (current.role === 'admin' && actor.role !== 'admin')
        throw new AppError('forbidden', 'only an admin may change an admin');
      assertGrant(actor, patch.role ?? current.role, patch.unitId ?? current.unitId, scope);
      const updated = db
        .update(users)
        .set({ ...patch, ...(patch.disabled === false ? { failedLogins: 0, lockedUntil: null } : {}) })
        .where(eq(users.id, id))
        .returning()
        .get();
      if (patch.disabled) deps.accounts.revokeAll(id);
      return view(updated!);
    },

    /** Sets a new password chosen by an administrator; all the user's sessions and tokens end. */
    async resetPassword(actor: AuthUser, scope: Scope, id: number, password: string): Promise<void> {
      const current = row(id);
      if (current.role === 'admin' && actor.role !== 'admin')
        throw new AppError('forbidden', 'only an admin may change an admin');
      assertGrant(actor, current.role, current.unitId, scope);
      const passwordHash = await hashPassword(password);
      db.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null }).where(eq(users.id, id)).run();
      deps.accounts.revokeAll(id);
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
