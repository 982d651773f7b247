/**
 * Runs work a while later, batched: every call asking for the same delay while a batch for that delay
 * waits joins it, and one timer runs them all. For work that must stay off a start's critical path (the
 * `started` log): simulated receivers sharing a CPU all start in the same millisecond, and a timer each
 * cost more than the start itself. A receiver alone on its CPU loses nothing by it. Joining a batch
 * runs a little sooner than asked, never later.
 */
const batches = new Map<number, Array<() => void>>();

export function runLater(ms: number, fn: () => void): void {
  const waiting = batches.get(ms);
  if (waiting) {
    waiting.push(fn);
    return;
  }
  const batch = [fn];
  batches.set(ms, batch);
  setTimeout(() => {
    batches.delete(ms);
    for (const run of batch) {
      try {
        run();
      } catch {
        // Each caller handles its own errors (a rejected promise, a log); one must not stop the others.
      }
    }
  }, ms);
}
