import { randomUUID } from 'node:crypto';
import type { TimeRequest, TimeResponse } from '@nguon/protocols';
import type { Logger } from 'pino';
import { bestSample, type ClockSample, clockSample, filterAcrossRounds, type KeptSample } from './clock-math.js';

export interface ServerClock {
  /** Best estimate of the server's clock: used for command expiry, schedules and log timestamps. */
  serverNow(): number;
  /** Server minus device clock from the last sync, or null before the first. */
  offsetMs(): number | null;
  /** Takes a round of samples now (or joins the round under way); null when no answer came back. */
  syncNow(): Promise<ClockSample | null>;
  /** Resolves true once synced at least once since start, false after `timeoutMs`. */
  whenSynced(timeoutMs: number): Promise<boolean>;
  onResponse(res: TimeResponse): void;
  /** Starts a round at once and then one every interval, while connected. */
  onConnect(): void;
  onDisconnect(): void;
  stop(): void;
}

export interface ServerClockOptions {
  /** The device's own clock. */
  now: () => number;
  send: (req: TimeRequest) => Promise<void>;
  logger: Logger;
  onSynced?: (sample: ClockSample, previousOffsetMs: number | null) => void;
  samples?: number;
  spacingMs?: number;
  responseTimeoutMs?: number;
  intervalMs?: number;
  random?: () => number;
}

/**
 * Server time over MQTT (issue 5 item 5): a receiver's own clock may be minutes off (a Pi has no RTC and
 * may boot without NTP), yet commands expire and schedules fire in server time. Each round sends a few
 * requests spaced apart and keeps the sample with the smallest delay.
 */
export function createServerClock(opts: ServerClockOptions): ServerClock {
  const samples = opts.samples ?? 8;
  const spacingMs = opts.spacingMs ?? 250;
  const responseTimeoutMs = opts.responseTimeoutMs ?? 2_000;
  const intervalMs = opts.intervalMs ?? 10 * 60_000;
  const random = opts.random ?? Math.random;
  const log = opts.logger;
  const waiting = new Map<string, { t0: number; resolve: (s: ClockSample | null) => void; timer: NodeJS.Timeout }>();
  let offset: number | null = null;
  /** Best samples of recent rounds (clock-math filterAcrossRounds). */
  let kept: KeptSample[] = [];
  let round: { gen: number; done: Promise<ClockSample | null> } | null = null;
  let generation = 0;
  let nextRound: NodeJS.Timeout | undefined;
  let syncedWaiters: Array<(synced: boolean) => void> = [];

  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  function sample(gen: number): Promise<ClockSample | null> {
    if (gen !== generation) return Promise.resolve(null);
    const id = randomUUID();
    const t0 = opts.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(null);
      }, responseTimeoutMs);
      waiting.set(id, { t0, resolve, timer });
      opts.send({ v: 1, id, ts: t0, t0 }).catch(() => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(null);
      });
    });
  }

  async function runRound(gen: number): Promise<ClockSample | null> {
    const got: ClockSample[] = [];
    for (let i = 0; i < samples && gen === generation; i++) {
      if (i > 0) await pause(spacingMs);
      const s = await sample(gen);
      if (s) got.push(s);
    }
    const roundBest = bestSample(got);
    let best = roundBest;
    if (roundBest && gen === generation) {
      const filtered = filterAcrossRounds(kept, { ...roundBest, at: opts.now() });
      kept = filtered.kept;
      best = { offsetMs: filtered.chosen.offsetMs, delayMs: filtered.chosen.delayMs };
    }
    if (best && gen === generation) {
      const previous = offset;
      offset = best.offsetMs;
      log.debug({ offsetMs: best.offsetMs, delayMs: best.delayMs, samples: got.length }, 'clock synced');
      for (const w of syncedWaiters) w(true);
      syncedWaiters = [];
      opts.onSynced?.(best, previous);
    } else if (!best) log.warn({ gen }, 'clock sync: no answer from the server');
    return best;
  }

  function syncNow(): Promise<ClockSample | null> {
    const gen = generation;
    if (round?.gen === gen) return round.done;
    // A round of an older connection is winding down: start after it, not alongside it.
    const before = round?.done ?? Promise.resolve(null);
    const done = before.then(() => runRound(gen));
    const mine = { gen, done };
    round = mine;
    void done.finally(() => {
      if (round === mine) round = null;
    });
    return done;
  }

  /** A round now, then one per interval, for as long as this connection (generation) lasts. */
  function cycle(gen: number): void {
    if (gen !== generation) return;
    void syncNow().finally(() => {
      if (gen !== generation) return;
      // ±10 % jitter, so receivers that connected together do not sync together forever.
      const delay = intervalMs * (0.9 + 0.2 * random());
      nextRound = setTimeout(() => cycle(gen), delay);
    });
  }

  function cancel(): void {
    generation += 1;
    clearTimeout(nextRound);
    nextRound = undefined;
    for (const [id, w] of waiting) {
      clearTimeout(w.timer);
      w.resolve(null);
      waiting.delete(id);
    }
  }

  return {
    serverNow: () => opts.now() + (offset ?? 0),
    offsetMs: () => offset,
    syncNow,
    whenSynced(timeoutMs) {
      if (offset !== null) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (synced: boolean) => {
          clearTimeout(timer);
          resolve(synced);
        };
        const timer = setTimeout(() => {
          syncedWaiters = syncedWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        syncedWaiters.push(done);
      });
    },
    onResponse(res) {
      const t3 = opts.now();
      const w = waiting.get(res.requestId);
      // A late answer to a timed-out request, or one not ours: ignored.
      if (!w || w.t0 !== res.t0) return;
      clearTimeout(w.timer);
      waiting.delete(res.requestId);
      w.resolve(clockSample({ t0: res.t0, t1: res.t1, t2: res.t2, t3 }));
    },
    onConnect() {
      cancel();
      cycle(generation);
    },
    onDisconnect: cancel,
    stop() {
      cancel();
      for (const w of syncedWaiters) w(false);
      syncedWaiters = [];
    },
  };
}
