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

/** A round's best sample and when (device clock) it was taken. */
export interface KeptSample extends ClockSample {
  at: number;
}

/** How fast an old sample loses worth: a receiver's crystal drifts up to ~100 ppm. */
export const DRIFT_PER_MS = 100e-6;
/** Samples older than this are not kept: drift and temperature make them worth little. */
export const KEEP_MS = 30 * 60_000;

/**
 * NTP's clock filter across rounds: the offset comes from the sample whose error bound — half its delay,
 * plus the drift since it was taken — is smallest, whether from this round or an earlier one. One round
 * taken while the link or the server is busy (a province reconnecting, a thousand receivers syncing
 * before the same bulletin) then no longer replaces a good earlier estimate by a worse one. Samples
 * that disagree with the fresh one by more than both error bounds mean the device clock was stepped
 * (NTP, an operator): the old ones are dropped. Returns the chosen sample and what to keep.
 */
export function filterAcrossRounds(
  kept: readonly KeptSample[],
  fresh: KeptSample,
  maxKept = 8,
): { chosen: KeptSample; kept: KeptSample[] } {
  const bound = (s: KeptSample) => s.delayMs / 2 + (fresh.at - s.at) * DRIFT_PER_MS;
  const consistent = kept.filter(
    (s) =>
      fresh.at - s.at <= KEEP_MS &&
      fresh.at >= s.at &&
      Math.abs(s.offsetMs - fresh.offsetMs) <= bound(s) + fresh.delayMs / 2 + 1,
  );
  const all = [...consistent, fresh].slice(-maxKept);
  let chosen = fresh;
  for (const s of all) if (bound(s) < bound(chosen)) chosen = s;
  return { chosen, kept: all };
}
