export type GuardRefusal = 'expired' | 'duplicate';

export interface CommandGuard {
  /** Returns why the command must be refused, or null after remembering its id. */
  check(cmd: { id: string; expiresAt: number }): GuardRefusal | null;
}

/** The command ids a receiver has acted on. */
export interface SeenIds {
  /** Remembers `id`; true when it was new, false when it had been seen. */
  remember(id: string): boolean;
}

/**
 * A bounded LRU of ids in memory: a Map iterates in insertion order, so the first key is the least
 * recently seen. The agent persists its ids instead (seen-ids.ts); this one serves tests and simulators.
 */
export function createMemorySeenIds(maxIds = 1_024): SeenIds {
  const seen = new Map<string, true>();
  return {
    remember(id) {
      if (seen.has(id)) {
        seen.delete(id);
        seen.set(id, true);
        return false;
      }
      seen.set(id, true);
      if (seen.size > maxIds) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
  };
}

/**
 * Refuses stale and repeated commands. QoS 1 delivers at least once, so a command can come twice
 * (redelivery after a reconnect): it must not play twice, and a `reboot` must not reboot twice. `now`
 * is the server's time (issue 5 item 5): `expiresAt` is in server time, and a receiver's own clock
 * may be minutes off.
 */
export function createCommandGuard(opts: { seen?: SeenIds; maxIds?: number; now?: () => number } = {}): CommandGuard {
  const seen = opts.seen ?? createMemorySeenIds(opts.maxIds);
  const now = opts.now ?? Date.now;
  return {
    check(cmd) {
      if (cmd.expiresAt < now()) return 'expired';
      return seen.remember(cmd.id) ? null : 'duplicate';
    },
  };
}
