import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { authTokens, users } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { newToken, sha256Hex } from './tokens.js';

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: string;
  unitId: number;
}

export const LOGIN_POLICY = { maxFailures: 5, lockMs: 15 * 60_000, sessionTtlMs: 12 * 3600_000 };
const LAST_USED_RESOLUTION_MS = 60_000;
// Compared against when the user does not exist, so response time does not reveal valid usernames.
const DUMMY_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`;

export function toAuthUser(u: typeof users.$inferSelect): AuthUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId };
}

/** Logins, sessions, API tokens and own-password changes. Account management is in users.service. */
export function createAccountsService(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;

  function issue(userId: number, kind: 'session' | 'api', ttlMs: number, name: string | null) {
    const token = newToken();
    const expiresAt = clock() + ttlMs;
    const row = db
      .insert(authTokens)
      .values({ tokenHash: sha256Hex(token), userId, kind, name, expiresAt })
      .returning({ id: authTokens.id })
      .get();
    return { token, id: row.id, expiresAt };
  }

  return {
    async login(username: string, password: string): Promise<{ token: string; user: AuthUser; expiresAt: number }> {
      const u = db.select().from(users).where(eq(users.username, username)).get();
      const now = clock();
      if (u?.lockedUntil && u.lockedUntil > now) {
        const minutes = Math.ceil((u.lockedUntil - now) / 60_000);
        throw new AppError(
          'too_many_requests',
          `too many failed logins: the account is locked for ${minutes} more minute(s)`,
        );
      }
      const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
      if (!u || !ok || u.disabled) {
        if (u && !ok) {
          const failures = u.failedLogins + 1;
          const lock = failures >= LOGIN_POLICY.maxFailures;
          db.update(users)
            .set({ failedLogins: lock ? 0 : failures, lockedUntil: lock ? now + LOGIN_POLICY.lockMs : null })
            .where(eq(users.id, u.id))
            .run();
        }
        throw new AppError('unauthorized', 'wrong username or password');
      }
      db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, u.id)).run();
      const { token, expiresAt } = issue(u.id, 'session', LOGIN_POLICY.sessionTtlMs, null);
      return { token, user: toAuthUser(u), expiresAt };
    },

    resolveToken(token: string): AuthUser | null {
      const now = clock();
      const row = db
        .select({ user: users, tokenId: authTokens.id, lastUsedAt: authTokens.lastUsedAt })
        .from(authTokens)
        .innerJoin(users, eq(users.id, authTokens.userId))
        .where(
          and(eq(authTokens.tokenHash, sha256Hex(token)), isNull(authTokens.revokedAt), gt(authTokens.expiresAt, now)),
        )
        .get();
      if (!row || row.user.disabled) return null;
      // Write "last used" at most once a minute per token: an integration polling every second must not
      // turn every read into a write.
      if (!row.lastUsedAt || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS)
        db.update(authTokens).set({ lastUsedAt: now }).where(eq(authTokens.id, row.tokenId)).run();
      return toAuthUser(row.user);
    },

    logout(token: string): void {
      db.update(authTokens)
        .set({ revokedAt: clock() })
        .where(eq(authTokens.tokenHash, sha256Hex(token)))
        .run();
    },

    createApiToken(userId: number, name: string, ttlDays: number) {
      const { token, id, expiresAt } = issue(userId, 'api', ttlDays * 86_400_000, name);
      return { id, name, token, expiresAt };
    },

    listApiTokens(userId: number) {
      return db
        .select({
          id: authTokens.id,
          name: authTokens.name,
          createdAt: authTokens.createdAt,
          expiresAt: authTokens.expiresAt,
          revokedAt: authTokens.revokedAt,
          lastUsedAt: authTokens.lastUsedAt,
        })
        .from(authTokens)
        .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, 'api')))
        .orderBy(desc(authTokens.id))
        .all();
    },

    revokeApiToken(userId: number, tokenId: number): void {
      const res = db
        .update(authTokens)
        .set({ revokedAt: clock() })
        .where(and(eq(authTokens.id, tokenId), eq(authTokens.userId, userId), isNull(authTokens.revokedAt)))
        .run();
      if (res.changes === 0) throw new AppError('not_found', `no active API token ${tokenId} of yours`);
    },

    /** Revokes every session and token of a user (password change, disable). */
    revokeAll(userId: number, exceptTokenHash?: string): void {
      const rows = db
        .select()
        .from(authTokens)
        .where(and(eq(authTokens.userId, userId), isNull(authTokens.revokedAt)))
        .all();
      for (const r of rows) {
        if (r.tokenHash === exceptTokenHash) continue;
        db.update(authTokens).set({ revokedAt: clock() }).where(eq(authTokens.id, r.id)).run();
      }
    },

    async changeOwnPassword(userId: number, currentToken: string, current: string, next: string): Promise<void> {
      const u = db.select().from(users).where(eq(users.id, userId)).get();
      if (!u || !(await verifyPassword(current, u.passwordHash)))
        throw new AppError('unprocessable', 'the current password is wrong');
      if (current === next) throw new AppError('unprocessable', 'the new password must differ from the current one');
      const passwordHash = await hashPassword(next);
      db.update(users).set({ passwordHash, passwordChangedAt: clock() }).where(eq(users.id, userId)).run();
      // Other sessions and tokens end: whoever knew the old password is out.
      this.revokeAll(userId, sha256Hex(currentToken));
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
