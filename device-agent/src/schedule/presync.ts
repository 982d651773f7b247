/**
 * A clock sync shortly before each start (issue 6: start within milliseconds in server time). The offset
 * measured at connect time is often the worst one a receiver gets: a boot, a reconnect after an outage
 * or a whole province reconnecting after a server restart all load the link and the server exactly then.
 * A round in the quiet minutes before the item (jittered, so receivers do not all ask at once) gives the
 * start a fresh, low-delay sample, and it is taken early enough to still be good if the link drops in
 * the last minute.
 */

/** The ideal window: between 150 s and 90 s before the start. */
const LEAD_MS = 90_000;
const WINDOW_MS = 60_000;
/** An item that arrives later than the window: a sync soon, spread over this much. */
const LATE_SPREAD_MS = 15_000;
/**
 * …but not at once: the playlist has just arrived, so every receiver is downloading its media now, and
 * a sample taken on a busy link is a poor one (the clock filter keeps a better earlier one anyway).
 */
const LATE_SETTLE_MS = 10_000;

/**
 * When to sync for an item starting at `startAt` (all server time), or null when no sync is needed:
 * one already happened in the window, or there is no time left for a round before the item is prepared
 * (`prepareLeadMs` before its start, plus a few seconds for the round itself).
 */
export function presyncAt(
  startAt: number,
  now: number,
  lastSyncAt: number | null,
  prepareLeadMs: number,
  random: () => number,
): number | null {
  const windowStart = startAt - LEAD_MS - WINDOW_MS;
  if (lastSyncAt !== null && lastSyncAt >= windowStart) return null;
  const ideal = windowStart + random() * WINDOW_MS;
  if (ideal > now) return ideal;
  const latest = startAt - prepareLeadMs - 5_000;
  if (latest <= now) return null;
  const from = Math.min(now + LATE_SETTLE_MS, latest);
  return from + random() * Math.min(LATE_SPREAD_MS, latest - from);
}
