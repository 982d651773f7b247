import { describe, expect, it } from 'vitest';
import { createCommandGuard } from './command-guard.js';

const T = 1_790_000_000_000;

describe('command guard', () => {
  it('refuses a command whose expiresAt has passed, accepts one that has not', () => {
    const guard = createCommandGuard({ now: () => T });
    expect(guard.check({ id: 'a', expiresAt: T - 1 })).toBe('expired');
    expect(guard.check({ id: 'b', expiresAt: T })).toBeNull();
    expect(guard.check({ id: 'c', expiresAt: T + 30_000 })).toBeNull();
  });

  it('refuses the same command id twice', () => {
    const guard = createCommandGuard({ now: () => T });
    expect(guard.check({ id: 'a', expiresAt: T + 1 })).toBeNull();
    expect(guard.check({ id: 'a', expiresAt: T + 1 })).toBe('duplicate');
    expect(guard.check({ id: 'b', expiresAt: T + 1 })).toBeNull();
  });

  it('does not remember an expired command as seen', () => {
    let now = T + 10;
    const guard = createCommandGuard({ now: () => now });
    expect(guard.check({ id: 'a', expiresAt: T })).toBe('expired');
    now = T - 10;
    expect(guard.check({ id: 'a', expiresAt: T })).toBeNull();
  });

  it('forgets the least recently seen id beyond its bound', () => {
    const guard = createCommandGuard({ maxIds: 2, now: () => T });
    for (const id of ['a', 'b']) guard.check({ id, expiresAt: T + 1 });
    expect(guard.check({ id: 'a', expiresAt: T + 1 })).toBe('duplicate'); // refreshes a
    guard.check({ id: 'c', expiresAt: T + 1 }); // evicts b
    expect(guard.check({ id: 'b', expiresAt: T + 1 })).toBeNull();
    expect(guard.check({ id: 'c', expiresAt: T + 1 })).toBe('duplicate');
  });
});
