import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ESPEAK_WORKER_SOURCE } from './espeak-worker-source.js';
import { abortReason } from './tts.types.js';
import { createWorkerSlots } from './worker-slots.js';

export interface EspeakJob {
  args: string[];
  input?: string;
  inputPath?: string;
  outputPath?: string;
}

export interface EspeakResult {
  stdout: string[];
  output?: Buffer;
}

export interface EspeakPool {
  /** Runs one eSpeak invocation on a free worker; aborting terminates that worker mid-synthesis. */
  run(job: EspeakJob, signal?: AbortSignal): Promise<EspeakResult>;
  close(): Promise<void>;
}

export interface EspeakPoolOptions {
  /** Worker threads (each a CPU core while busy, about 100 MB of memory while alive). */
  size?: number;
  /** An idle worker is stopped after this long, so a quiet server holds no eSpeak memory. */
  idleMs?: number;
  /** A job that takes longer is killed: a wedged engine must not hold a slot forever. */
  jobTimeoutMs?: number;
}

type WorkerReply =
  | { id: number; ok: true; stdout: string[]; output?: Uint8Array }
  | { id: number; ok: false; message: string };

export class EspeakEngineError extends Error {
  override name = 'EspeakEngineError';
}

export function espeakModulePath(): string {
  return createRequire(import.meta.url).resolve('espeak-ng');
}

interface Outcome {
  result?: EspeakResult;
  error?: unknown;
  /** False when the worker crashed, timed out or was stopped to cancel: it must not be reused. */
  healthy: boolean;
}

let nextJobId = 1;

/** One job on one worker. Never rejects: the outcome says whether the worker may be reused. */
function runOnWorker(worker: Worker, job: EspeakJob, timeoutMs: number, signal?: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    const id = nextJobId++;
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (reply: WorkerReply) => {
      if (reply.id !== id) return;
      if (!reply.ok) return finish({ error: new EspeakEngineError(reply.message), healthy: true });
      const { output: bytes } = reply;
      const output = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
      finish({ result: { stdout: reply.stdout, ...(output ? { output } : {}) }, healthy: true });
    };
    const broken = (error: unknown) => finish({ error, healthy: false });
    const onError = (err: Error) => broken(new EspeakEngineError(`eSpeak worker crashed: ${err.message}`));
    const onExit = (code: number) => broken(new EspeakEngineError(`eSpeak worker exited with code ${code}`));
    // The synthesis is synchronous inside the worker: stopping it means stopping the thread.
    const onAbort = () => broken(abortReason(signal as AbortSignal));
    const timer = setTimeout(() => broken(new EspeakEngineError(`eSpeak took longer than ${timeoutMs} ms`)), timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    if (signal?.aborted) return finish({ error: abortReason(signal), healthy: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ id, ...job });
  });
}

export function createEspeakPool(options: EspeakPoolOptions = {}): EspeakPool {
  const { size = 2, idleMs = 60_000, jobTimeoutMs = 120_000 } = options;
  const modulePath = espeakModulePath();
  const slots = createWorkerSlots(
    size,
    idleMs,
    () => new Worker(ESPEAK_WORKER_SOURCE, { eval: true, workerData: { modulePath } }),
  );
  return {
    async run(job, signal) {
      const worker = await slots.acquire(signal);
      const outcome = await runOnWorker(worker, job, jobTimeoutMs, signal);
      if (outcome.healthy) slots.release(worker);
      else slots.discard(worker);
      if (outcome.result) return outcome.result;
      throw outcome.error;
    },
    close: () => slots.close(),
  };
}
