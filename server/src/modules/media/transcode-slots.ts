/**
 * Bounds how many ingests run ffmpeg at once: each pass takes a full core, and a burst of uploads on a
 * small server (a Raspberry Pi class machine) must queue rather than starve the HTTP and MQTT work.
 */
export interface TranscodeSlots {
  /** Runs fn when a slot is free; a waiter whose signal aborts leaves the queue and rejects. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createTranscodeSlots(max: number): TranscodeSlots {
  let active = 0;
  const queue: Array<() => void> = [];

  const acquire = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (active < max) {
        active++;
        return resolve();
      }
      const onAbort = () => {
        queue.splice(queue.indexOf(grant), 1);
        reject(signal?.reason);
      };
      // The releasing run hands its slot straight to the next waiter: `active` stays the same.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  return {
    async run(fn, signal) {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
