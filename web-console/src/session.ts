import { can, type Permission } from '@nguon/schemas';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from './api/auth.js';
import type { Unit } from './api/units.js';

export interface Session {
  user: User;
  /** The units the user may see (their subtree), from the API. */
  units: Unit[];
  /** The user's own unit. */
  unit: Unit | undefined;
  can(permission: Permission): boolean;
  unitName(id: number): string;
  unitCode(id: number): string | undefined;
  logout(): void;
}

export function makeSession(user: User, units: Unit[], logout: () => void): Session {
  const byId = new Map(units.map((u) => [u.id, u]));
  return {
    user,
    units,
    unit: byId.get(user.unitId),
    can: (p) => can(user.role, p),
    unitName: (id) => byId.get(id)?.name ?? `#${id}`,
    unitCode: (id) => byId.get(id)?.code,
    logout,
  };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a logged-in page');
  return s;
}
