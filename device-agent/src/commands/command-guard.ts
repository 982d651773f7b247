export type GuardRefusal = 'expired' | 'duplicate';

export interface CommandGuard {
  /** Returns why the command must be refused, or null after remembering its id. */
  check(cmd: { id: string; expiresAt: number }): GuardRefusal | null;
}

/**
 * Refuses stale and repeated commands. QoS 1 delivers at least once, so a command can come twice
 * (redelivery after a reconnect): it must not play twice. The memory of ids is a bounded LRU so the
 * agent does not grow over months of commands.
 */
export function createCommandGuard(opts: { maxIds?: number; now?: () => number } = {}): CommandGuard {
  const maxIds = opts.maxIds ?? 1_024;
  const now = opts.now ?? Date.now;
  // A Map iterates in insertion order: the first key is the least recently seen.
  const seen = new Map<string, true>();
  return {
    check(cmd) {
      if (cmd.expiresAt < now()) return 'expired';
      if (seen.has(cmd.id)) {
        seen.delete(cmd.id);
        seen.set(cmd.id, true);
        return 'duplicate';
      }
      seen.set(cmd.id, true);
      if (seen.size > maxIds) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return null;
    },
  };
}
