import { describe, expect, it } from 'vitest';
import { runBounded } from './run-bounded.js';

/** A promise whose settling the test controls, so concurrency is observed rather than timed. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('runBounded', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await runBounded([30, 10, 20, 5, 1], 2, async (ms) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 10, 2]);
    expect(peak).toBe(2);
  });

  it('aborts running siblings on the first failure and throws that failure', async () => {
    const slow = deferred<string>();
    let siblingSignal: AbortSignal | undefined;
    const run = runBounded(['fail', 'slow', 'never'], 2, async (item, _i, signal) => {
      if (item === 'fail') {
        await Promise.resolve();
        throw new Error('engine broke');
      }
      if (item === 'slow') {
        siblingSignal = signal;
        signal.addEventListener('abort', () => slow.reject(signal.reason));
        return slow.promise;
      }
      return 'never should run';
    });
    await expect(run).rejects.toThrow('engine broke');
    expect(siblingSignal?.aborted).toBe(true);
  });

  it('stops with the caller’s reason when the caller aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const run = runBounded(
      [1, 2, 3, 4],
      1,
      async (n, _i, signal) => {
        started.push(n);
        if (n === 2) controller.abort(new Error('operator cancelled'));
        if (signal.aborted) throw signal.reason;
        return n;
      },
      controller.signal,
    );
    await expect(run).rejects.toThrow('operator cancelled');
    expect(started).toEqual([1, 2]);
  });

  it('refuses to start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(runBounded([1], 1, async (n) => n, controller.signal)).rejects.toThrow('too late');
  });
});
