/**
 * A token bucket per receiver (issue 8, "a flood from one device"): `rate` tokens a second up to `burst`.
 * Refusals are counted; `onWindow` gets one summary per window instead of one log line per message.
 */
export function createDeviceLimiter(opts: {
  rate: number;
  burst: number;
  clock: () => number;
  windowMs?: number;
  onWindow?: (refused: Map<string, number>) => void;
}) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let refused = new Map<string, number>();
  let windowStart = opts.clock();
  let total = 0;
  const windowMs = opts.windowMs ?? 60_000;

  function rollWindow(now: number) {
    if (now - windowStart < windowMs) return;
    if (refused.size > 0) opts.onWindow?.(refused);
    refused = new Map();
    windowStart = now;
  }

  return {
    /** True when the message may pass. */
    take(deviceId: string): boolean {
      const now = opts.clock();
      rollWindow(now);
      let b = buckets.get(deviceId);
      if (!b) {
        b = { tokens: opts.burst, at: now };
        buckets.set(deviceId, b);
      } else {
        b.tokens = Math.min(opts.burst, b.tokens + ((now - b.at) / 1000) * opts.rate);
        b.at = now;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      total++;
      refused.set(deviceId, (refused.get(deviceId) ?? 0) + 1);
      return false;
    },
    refusedTotal: () => total,
    forget(deviceId: string) {
      buckets.delete(deviceId);
    },
  };
}
export type DeviceLimiter = ReturnType<typeof createDeviceLimiter>;
