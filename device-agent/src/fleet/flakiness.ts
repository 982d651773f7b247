/** Mean length of a receiver's up and down periods; each period is drawn from an exponential distribution. */
export interface Flakiness {
  meanUpS: number;
  meanDownS: number;
}

export interface FlakinessDriver {
  /** Starts (or changes) the flapping; null stops it and restores every link. */
  set(f: Flakiness | null): void;
  /** Links cut so far. */
  cuts(): number;
}

/**
 * Flaps each receiver's link on its own schedule, so outages are spread over time as on a real network
 * of 3G/4G modems, not synchronised. Exponential periods (memoryless) give many short blips and a few
 * long outages, which is what exercises the agent's backoff.
 */
export function createFlakinessDriver(opts: {
  ids: readonly string[];
  link: { cut(id: string): void; restore(id: string): void };
  random?: () => number;
}): FlakinessDriver {
  const random = opts.random ?? Math.random;
  const timers = new Map<string, NodeJS.Timeout>();
  let current: Flakiness | null = null;
  let cuts = 0;

  const draw = (meanS: number) => -Math.log(1 - random()) * meanS * 1000;

  // Timers are unref'd: a flapping schedule alone must not keep a process (or a test worker) alive.
  const schedule = (id: string, ms: number, fn: () => void) => timers.set(id, setTimeout(fn, ms).unref());

  function up(id: string, f: Flakiness): void {
    schedule(id, draw(f.meanUpS), () => {
      cuts++;
      opts.link.cut(id);
      schedule(id, draw(f.meanDownS), () => {
        opts.link.restore(id);
        up(id, f);
      });
    });
  }

  return {
    set(f) {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      current = f;
      for (const id of opts.ids) {
        opts.link.restore(id);
        if (current) up(id, current);
      }
    },
    cuts: () => cuts,
  };
}
