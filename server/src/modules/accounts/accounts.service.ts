import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { authTokens, users } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import { newToken, sha256Hex } from './tokens.js';

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: string;
  unitId: number;
}

const SESSION_TTL_MS = 12 * 3600_000;
// A hash to compare against when the user does not exist, so timing does not reveal valid usernames.
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function createAccountsService(deps: { db: Db; clock: () => number }) {
  const { db, clock } = deps;

  function toAuthUser(u: typeof users.$inferSelect): AuthUser {
    return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId };
  }

  return {
    async createUser(input: { username: string; displayName: string; password: string; role: string; unitId: number }) {
      const passwordHash = await hashPassword(input.password);
      const existing = db.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get();
      if (existing) throw new AppError('conflict', `username ${input.username} is taken`);
      const row = db
        .insert(users)
        .values({ ...input, passwordHash })
        .returning()
        .get();
      return toAuthUser(row);
    },

    /** Creates the first administrator if there is no user yet. Returns the password only when it made one up. */
    async ensureAdmin(unitId: number, password?: string): Promise<{ created: boolean; password?: string }> {
      if (db.select({ id: users.id }).from(users).limit(1).get()) return { created: false };
      const chosen = password ?? generatePassword();
      await this.createUser({
        username: 'admin',
        displayName: 'Quản trị hệ thống',
        password: chosen,
        role: 'admin',
        unitId,
      });
      return { created: true, ...(password ? {} : { password: chosen }) };
    },

    async login(username: string, password: string): Promise<{ token: string; user: AuthUser; expiresAt: number }> {
      const u = db.select().from(users).where(eq(users.username, username)).get();
      const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
      if (!u || !ok || u.disabled) throw new AppError('unauthorized', 'wrong username or password');
      const token = newToken();
      const expiresAt = clock() + SESSION_TTL_MS;
      db.insert(authTokens)
        .values({ tokenHash: sha256Hex(token), userId: u.id, kind: 'session', expiresAt })
        .run();
      return { token, user: toAuthUser(u), expiresAt };
    },

    resolveToken(token: string): AuthUser | null {
      const row = db
        .select({ user: users })
        .from(authTokens)
        .innerJoin(users, eq(users.id, authTokens.userId))
        .where(
          and(
            eq(authTokens.tokenHash, sha256Hex(token)),
            isNull(authTokens.revokedAt),
            gt(authTokens.expiresAt, clock()),
          ),
        )
        .get();
      if (!row || row.user.disabled) return null;
      return toAuthUser(row.user);
    },

    logout(token: string): void {
      db.update(authTokens)
        .set({ revokedAt: clock() })
        .where(eq(authTokens.tokenHash, sha256Hex(token)))
        .run();
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
