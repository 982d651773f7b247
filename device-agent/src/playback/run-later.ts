/**
 * Runs work a while later, batched: every call asking for the same delay while a batch for that delay
 * waits joins it, and one timer runs them all. For work that must stay off a start's critical path (the
 * `started` log): simulated receivers sharing a CPU all start in the same millisecond, and a timer each
 * cost more than the start itself. A receiver alone on its CPU loses nothing by it. Joining a batch
 * runs a little sooner than asked, never later.
 */
interface Batch {
  created: number;
  runs: Array<() => void>;
}

const batches = new Map<number, Batch>();

export function runLater(ms: number, fn: () => void): void {
  const now = Date.now();
  const waiting = batches.get(ms);
  // Only a batch that is still waiting: one whose time is past (a stepped clock, a timer that will never
  // fire because fake timers were reset) is replaced, never joined.
  if (waiting && now - waiting.created >= 0 && now - waiting.created < ms) {
    waiting.runs.push(fn);
    return;
  }
  const batch: Batch = { created: now, runs: [fn] };
  batches.set(ms, batch);
  setTimeout(() => {
    if (batches.get(ms) === batch) batches.delete(ms);
    for (const run of batch.runs) {
      try {
        run();
      } catch {
        // Each caller handles its own errors (a rejected promise, a log); one must not stop the others.
      }
    }
  }, ms);
}

const soon: Array<() => void> = [];
let draining = false;

function drainOne(): void {
  const run = soon.shift();
  if (soon.length > 0) setImmediate(drainOne);
  else draining = false;
  try {
    run?.();
  } catch {
    // As above: each caller handles its own errors.
  }
}

/**
 * Runs `fn` after pending I/O, one queued call per turn of the event loop, first come first served. A
 * receiver alone on its CPU sees a setImmediate. Thousands of simulated receivers sharing one (the fleet)
 * each take a command at once, however late their socket delivers it, instead of waiting behind every
 * other receiver's disk writes and downloads for that command.
 */
export function runSoon(fn: () => void): void {
  soon.push(fn);
  if (!draining) {
    draining = true;
    setImmediate(drainOne);
  }
}
