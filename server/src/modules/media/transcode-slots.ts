/**
 * Bounds how many ffmpeg processes run at once, for uploads and background jobs alike (one instance per
 * server): each runs with `-threads 1`, so the bound is the number of cores ffmpeg may take, and a
 * burst of work on a small server (a Raspberry Pi class machine) queues rather than starving the HTTP
 * and MQTT work. Interactive waiters (an operator waiting on an upload's checks) go before background
 * ones (queued jobs), so a long job queue never makes an upload time out.
 */
export type SlotPriority = 'interactive' | 'background';

export interface SlotOptions {
  /** A waiter whose signal aborts leaves the queue and rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  priority?: SlotPriority;
}

export interface TranscodeSlots {
  run<T>(fn: () => Promise<T>, opts?: SlotOptions): Promise<T>;
  readonly max: number;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  priority: SlotPriority;
  grant(): void;
}

export function createTranscodeSlots(max: number): TranscodeSlots {
  if (!Number.isInteger(max) || max < 1) throw new Error(`transcode slots: max must be a positive integer, not ${max}`);
  let active = 0;
  const queue: Waiter[] = [];

  const enqueue = (w: Waiter) => {
    // Behind every waiter of the same or higher priority: FIFO within a priority.
    const at = w.priority === 'interactive' ? queue.findIndex((q) => q.priority === 'background') : -1;
    if (at === -1) queue.push(w);
    else queue.splice(at, 0, w);
  };

  const acquire = ({ signal, priority = 'background' }: SlotOptions) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (active < max) {
        active++;
        return resolve();
      }
      const onAbort = () => {
        queue.splice(queue.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      // The releasing run hands its slot straight to the next waiter: `active` stays the same.
      const waiter: Waiter = {
        priority,
        grant() {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      enqueue(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const release = () => {
    const next = queue.shift();
    if (next) next.grant();
    else active--;
  };

  return {
    async run(fn, opts = {}) {
      await acquire(opts);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    max,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
