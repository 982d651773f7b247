export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Reconnect delays for a receiver: 1 s doubling up to a minute (house style: every loop backs off with jitter). */
export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 60_000 };

/**
 * "Full jitter" (AWS architecture blog): a uniform delay in [0, min(cap, base·2^attempt)).
 * Spreading the delays matters here: after a broker restart thousands of receivers must not
 * reconnect in the same instant.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.floor(random() * exp);
}
