export interface CacheEntry {
  sha256: string;
  bytes: number;
  /** Epoch ms of the last use; persisted as the file's mtime so the order survives a reboot. */
  lastUsed: number;
}

export interface CacheIndex {
  /** Records a use (or a new file). */
  touch(sha256: string, bytes: number, at: number): void;
  delete(sha256: string): void;
  has(sha256: string): boolean;
  totalBytes(): number;
  size(): number;
  /**
   * The files to delete, least recently used first, so that the rest fits in `maxBytes`. Files in
   * `keep` (pinned for upcoming schedules, or in use) are never chosen, even if the rest cannot fit.
   */
  evictionPlan(maxBytes: number, keep: ReadonlySet<string>): string[];
}

/** Pure bookkeeping of the media cache: which files, how big, how recently used. */
export function createCacheIndex(): CacheIndex {
  const entries = new Map<string, CacheEntry>();
  let total = 0;
  return {
    touch(sha256, bytes, at) {
      const prev = entries.get(sha256);
      total += bytes - (prev?.bytes ?? 0);
      entries.set(sha256, { sha256, bytes, lastUsed: Math.max(at, prev?.lastUsed ?? 0) });
    },
    delete(sha256) {
      const prev = entries.get(sha256);
      if (!prev) return;
      total -= prev.bytes;
      entries.delete(sha256);
    },
    has: (sha256) => entries.has(sha256),
    totalBytes: () => total,
    size: () => entries.size,
    evictionPlan(maxBytes, keep) {
      if (total <= maxBytes) return [];
      const candidates = [...entries.values()]
        .filter((e) => !keep.has(e.sha256))
        .sort((a, b) => a.lastUsed - b.lastUsed || a.sha256.localeCompare(b.sha256));
      const plan: string[] = [];
      let remaining = total;
      for (const e of candidates) {
        if (remaining <= maxBytes) break;
        plan.push(e.sha256);
        remaining -= e.bytes;
      }
      return plan;
    },
  };
}
