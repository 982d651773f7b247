/** Below this, the wait spins on setImmediate: a timer may fire a millisecond or more late. */
const SPIN_MS = 2;

export interface WaitOptions {
  /** Longest single timer: the clock is read again after it, so an offset that changed is honoured. */
  maxStepMs?: number;
}

/**
 * Calls `fn` once `now()` (server time) reaches `at`, to within about a millisecond on an idle event
 * loop: timers while far away (re-reading the clock after each, since the estimate may change), then
 * setImmediate turns for the last couple of milliseconds. Returns a cancel function.
 */
export function waitUntil(at: number, now: () => number, fn: () => void, opts: WaitOptions = {}): () => void {
  const maxStepMs = opts.maxStepMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let cancelled = false;

  const arm = (remaining: number) => {
    if (remaining > SPIN_MS) timer = setTimeout(step, Math.min(remaining - SPIN_MS, maxStepMs));
    else immediate = setImmediate(step);
  };
  const step = () => {
    timer = undefined;
    immediate = undefined;
    if (cancelled) return;
    const remaining = at - now();
    if (remaining <= 0) fn();
    else arm(remaining);
  };
  // Never calls `fn` before returning: the caller holds the cancel function first.
  arm(at - now());
  return () => {
    cancelled = true;
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}
