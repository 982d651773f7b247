/** One NTP-style exchange: device send (t0), server receive (t1), server send (t2), device receive (t3). */
export interface ClockExchange {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

export interface ClockSample {
  /** Server clock minus device clock, ms. */
  offsetMs: number;
  /** Round trip minus the server's own processing time, ms. */
  delayMs: number;
}

/**
 * RFC 5905 §8: offset = ((t1 − t0) + (t2 − t3)) / 2, delay = (t3 − t0) − (t2 − t1). The offset is exact
 * when both directions take equally long; otherwise its error is at most half the delay.
 */
export function clockSample(x: ClockExchange): ClockSample {
  return {
    offsetMs: Math.round((x.t1 - x.t0 + (x.t2 - x.t3)) / 2),
    delayMs: x.t3 - x.t0 - (x.t2 - x.t1),
  };
}

/**
 * The sample with the smallest delay is the one least distorted by queueing (NTP's clock filter).
 * A negative delay means a clock stepped during the exchange: such a sample is discarded.
 */
export function bestSample(samples: readonly ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    if (!Number.isFinite(s.offsetMs) || !(s.delayMs >= 0)) continue;
    if (!best || s.delayMs < best.delayMs) best = s;
  }
  return best;
}
