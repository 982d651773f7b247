import type { Worker } from 'node:worker_threads';
import { abortReason } from './tts.types.js';

/**
 * At most `size` worker threads, started on demand, handed out one job at a time, stopped after
 * `idleMs` unused so a quiet server holds no engine memory (a Raspberry Pi class machine, mission §2).
 */
export interface WorkerSlots {
  acquire(signal?: AbortSignal): Promise<Worker>;
  /** The worker is healthy and free again. */
  release(worker: Worker): void;
  /** The worker is stopped (crashed, timed out, or killed to cancel); its slot opens for a new one. */
  discard(worker: Worker): void;
  close(): Promise<void>;
}

export function createWorkerSlots(size: number, idleMs: number, spawn: () => Worker): WorkerSlots {
  const idle = new Map<Worker, NodeJS.Timeout>();
  const waiting: Array<(w: Worker) => void> = [];
  let live = 0;
  let closed = false;

  const start = () => {
    live++;
    return spawn();
  };
  const stop = (worker: Worker) => {
    live--;
    void worker.terminate();
  };

  const park = (worker: Worker) => {
    // An idle worker must not keep a script (the benchmark, a CLI) alive once its work is done.
    worker.unref();
    const timer = setTimeout(() => {
      idle.delete(worker);
      stop(worker);
    }, idleMs);
    timer.unref();
    idle.set(worker, timer);
  };

  const wait = (signal: AbortSignal | undefined) =>
    new Promise<Worker>((resolve, reject) => {
      const onAbort = () => {
        waiting.splice(waiting.indexOf(grant), 1);
        reject(abortReason(signal as AbortSignal));
      };
      const grant = (worker: Worker) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(worker);
      };
      waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  return {
    async acquire(signal) {
      if (closed) throw new Error('worker pool is closed');
      if (signal?.aborted) throw abortReason(signal);
      const [ready, timer] = idle.entries().next().value ?? [];
      if (ready) {
        clearTimeout(timer);
        idle.delete(ready);
        ready.ref();
        return ready;
      }
      if (live < size) return start();
      const worker = await wait(signal);
      worker.ref();
      return worker;
    },
    release(worker) {
      if (closed) return stop(worker);
      const next = waiting.shift();
      if (next) next(worker);
      else park(worker);
    },
    discard(worker) {
      stop(worker);
      const next = waiting.shift();
      if (next && !closed) next(start());
    },
    async close() {
      closed = true;
      const parked = [...idle.entries()];
      idle.clear();
      for (const [, timer] of parked) clearTimeout(timer);
      live -= parked.length;
      await Promise.all(parked.map(([worker]) => worker.terminate()));
    },
  };
}
