import type { Scope, ScopeQueries } from '../units/scope.js';

/**
 * The unit a read of shared content is judged by, for the access hook's scope check. Content flows
 * down the hierarchy (issue 4): a caller may read a file that a library in their subtree holds, or one
 * that a unit above them holds (the province's audio, relayed by its communes) — the latter is a read
 * within the caller's own unit. Otherwise the answer is a holder outside scope, and the hook says 403.
 */
export function readableUnit(scopes: ScopeQueries, scope: Scope, holders: number[]): number | null {
  const [first] = holders;
  if (first === undefined) return null;
  if (scope.all) return first;
  const inside = holders.find((u) => scopes.contains(scope.unitId, u));
  if (inside !== undefined) return inside;
  if (holders.some((u) => scopes.contains(u, scope.unitId))) return scope.unitId;
  return first;
}
