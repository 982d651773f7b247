/**
 * Receivers whose place changed: registered, revoked, moved to another unit (itself or a unit above it),
 * or added to or removed from a group. Whoever derives something per receiver from that place (the
 * programmes of issue 6) listens here instead of waiting for its next periodic pass. Services call
 * `changed` after their write; listeners must be cheap (they coalesce and do the work later).
 */
export interface ReceiverChanges {
  changed(deviceIds: Iterable<string>): void;
  /** Returns the unsubscribe function. */
  onChange(listener: (deviceIds: string[]) => void): () => void;
}

export function createReceiverChanges(onError?: (err: unknown) => void): ReceiverChanges {
  const listeners = new Set<(deviceIds: string[]) => void>();
  return {
    changed(deviceIds) {
      const ids = [...deviceIds];
      if (ids.length === 0) return;
      for (const listener of listeners) {
        try {
          listener(ids);
        } catch (err) {
          // A listener's failure must never undo or fail the operator's edit that was already written.
          onError?.(err);
        }
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
