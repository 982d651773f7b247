import { describe, expect, it } from 'vitest';
import type { ScopeQueries } from '../units/scope.js';
import { readableUnit } from './library-access.js';

/** VN(1) → province 46(2) → communes 19753(3) and 19999(4); province 48(5) → commune 20200(6). */
const parent: Record<number, number | null> = { 1: null, 2: 1, 3: 2, 4: 2, 5: 1, 6: 5 };
const contains = (root: number, unit: number): boolean =>
  unit === root || (parent[unit] != null && contains(root, parent[unit] as number));
const scopes: ScopeQueries = {
  contains,
  subtreeIds: (root) =>
    Object.keys(parent)
      .map(Number)
      .filter((u) => contains(root, u)),
  inScope: (scope, unit) => scope.all || (unit != null && contains(scope.unitId, unit)),
};
const user = (unitId: number) => ({ all: false, unitId });

describe('readableUnit: content flows down the hierarchy', () => {
  it('answers with a holder inside the caller’s subtree', () => {
    expect(readableUnit(scopes, user(2), [6, 3])).toBe(3);
    expect(readableUnit(scopes, user(3), [3])).toBe(3);
  });

  it('treats a holder above the caller as a read in the caller’s own unit', () => {
    expect(readableUnit(scopes, user(3), [2])).toBe(3);
    expect(readableUnit(scopes, user(6), [1])).toBe(6);
  });

  it('answers with an outside holder (so the hook refuses) when none is in scope or above', () => {
    expect(readableUnit(scopes, user(4), [3])).toBe(3);
    expect(scopes.inScope(user(4), readableUnit(scopes, user(4), [3]))).toBe(false);
    expect(readableUnit(scopes, user(3), [])).toBeNull();
  });

  it('lets an admin read anything held', () => {
    expect(readableUnit(scopes, { all: true, unitId: 1 }, [6])).toBe(6);
  });
});
