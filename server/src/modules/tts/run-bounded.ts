import { throwIfAborted } from './tts.types.js';

/**
 * Runs fn over items with at most `limit` in flight and returns results in input order. The first
 * failure aborts the siblings still running (their engines stop working for nothing) and is the error
 * thrown; an abort of the caller's signal stops everything with the caller's reason.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  throwIfAborted(signal);
  const inner = new AbortController();
  const forward = () => inner.abort(signal?.reason);
  signal?.addEventListener('abort', forward, { once: true });
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;

  const lane = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index, inner.signal);
      } catch (error) {
        failure ??= { error };
        inner.abort(error);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  } finally {
    signal?.removeEventListener('abort', forward);
  }
  throwIfAborted(signal);
  if (failure) throw failure.error;
  return results;
}
