/**
 * The persistent, bounded job queue (issue 4, item 2). Jobs live in SQLite; at most `concurrency` run
 * at once in this process (the same bound as the ffmpeg slots they use). A job left `running` by a
 * crash or a shutdown is queued again at the next start if its input survived, and failed with a
 * clear code if not: nothing is ever left hanging. Handlers do the work and know nothing of the queue.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Db } from '../../db/db.js';
import { AppError, notFound } from '../../errors.js';
import { createJobsRepository, type StoredJob } from './jobs.repository.js';
import type { Job, JobError, JobKind, JobState } from './jobs.schemas.js';

export interface JobContext {
  signal: AbortSignal;
  /** 0..1; written to the database at most twice a second. */
  progress(ratio: number): void;
  log: Logger;
}

export interface JobHandler<I = unknown> {
  input: z.ZodType<I>;
  run(job: Job & { input: I }, ctx: JobContext): Promise<Record<string, unknown>>;
  /** After a restart: is the input (e.g. an uploaded file) still there to start again from? */
  inputAvailable(input: I): Promise<boolean>;
  /** Frees the input once the job is finished, whatever the outcome. Must tolerate a missing input. */
  release(input: I): Promise<void>;
}

export interface JobRunner {
  register<I>(kind: JobKind, handler: JobHandler<I>): void;
  /** Recovers what the last process left running, then starts taking jobs. */
  start(): Promise<void>;
  enqueue(j: { kind: JobKind; input: unknown; unitId: number; createdBy: number | null }): Job;
  get(id: number): Job | undefined;
  list(o: { unitIds?: number[]; state?: JobState; limit: number; offset: number }): Job[];
  /** Jobs not yet finished (queued or running), with their inputs: for quotas and for sweeping inputs. */
  pending(): Array<{ kind: JobKind; unitId: number; input: unknown }>;
  /** Stops a queued or running job (killing its ffmpeg) and frees its input; 409 once it has finished. */
  cancel(id: number): Promise<Job>;
  /** Stops taking jobs and interrupts running ones, leaving them `running` for the next start to recover. */
  close(): Promise<void>;
}

export interface JobRunnerDeps {
  db: Db;
  concurrency: number;
  clock: () => number;
  log: Logger;
}

/** A job interrupted by this many starts is failed rather than tried again: it may be what kills us. */
export const MAX_ATTEMPTS = 3;
const PROGRESS_INTERVAL_MS = 500;

class Cancelled extends Error {}
class Shutdown extends Error {}

const publicJob = ({ input: _input, ...job }: StoredJob): Job => job;

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { clock, log } = deps;
  const repo = createJobsRepository(deps.db);
  const handlers = new Map<JobKind, JobHandler>();
  const active = new Map<number, { ac: AbortController; done: Promise<void> }>();
  let started = false;
  let closed = false;

  const handlerOf = (kind: JobKind) => {
    const h = handlers.get(kind);
    if (!h) throw new Error(`no handler registered for ${kind} jobs`);
    return h;
  };

  async function release(job: StoredJob) {
    const h = handlers.get(job.kind);
    const parsed = h?.input.safeParse(job.input);
    if (h && parsed?.success)
      await h.release(parsed.data).catch((err: unknown) => log.warn({ err }, 'job input not released'));
  }

  const finishedFail = async (job: StoredJob, error: JobError) => {
    repo.fail(job.id, error, clock());
    await release(job);
  };

  async function recover(job: StoredJob) {
    const parsed = handlers.get(job.kind)?.input.safeParse(job.input);
    if (!parsed?.success) return finishedFail(job, { code: 'input_lost', message: 'the job input is unreadable' });
    if (job.attempts >= MAX_ATTEMPTS) {
      const message = `the server stopped during this job ${job.attempts} times; it will not be tried again`;
      return finishedFail(job, { code: 'interrupted', message });
    }
    if (await handlerOf(job.kind).inputAvailable(parsed.data)) {
      repo.requeue(job.id, clock());
      log.info({ jobId: job.id, kind: job.kind }, 'job interrupted by a restart: queued again');
      return;
    }
    const message = 'the server restarted during this job and its input is gone; submit it again';
    return finishedFail(job, { code: 'input_lost', message });
  }

  /** Keeps the highest ratio reported and writes it when half a second has passed since the last write. */
  function progressWriter(id: number) {
    let highest = 0;
    let written = 0;
    let writtenAt = Number.NEGATIVE_INFINITY;
    return (ratio: number) => {
      highest = Math.min(1, Math.max(highest, ratio));
      const now = clock();
      if (highest === written || now - writtenAt < PROGRESS_INTERVAL_MS) return;
      written = highest;
      writtenAt = now;
      repo.setProgress(id, Math.round(highest * 1000) / 1000, now);
    };
  }

  /** Runs one claimed job to its end; `Shutdown` leaves it running (and its input) for recovery. */
  async function execute(job: StoredJob, ac: AbortController) {
    const jobLog = log.child({ jobId: job.id, kind: job.kind });
    const handler = handlerOf(job.kind);
    const input = handler.input.safeParse(job.input);
    if (!input.success) return finishedFail(job, { code: 'input_lost', message: 'the job input is unreadable' });
    // A queued job's input can vanish too (a disk cleaned while the server was down).
    if (!(await handler.inputAvailable(input.data))) {
      return finishedFail(job, { code: 'input_lost', message: 'the job input is gone; submit it again' });
    }
    try {
      const ctx = { signal: ac.signal, progress: progressWriter(job.id), log: jobLog };
      const result = await handler.run({ ...publicJob(job), input: input.data }, ctx);
      repo.succeed(job.id, result, clock());
    } catch (err) {
      const reason: unknown = ac.signal.aborted ? ac.signal.reason : null;
      if (reason instanceof Shutdown) return;
      if (reason instanceof Cancelled) repo.cancel(job.id, ['running'], clock());
      else if (err instanceof AppError) repo.fail(job.id, { code: err.code, message: err.message }, clock());
      else {
        jobLog.error({ err }, 'job failed');
        repo.fail(job.id, { code: 'internal', message: 'the job failed unexpectedly; see the server log' }, clock());
      }
    }
    await handler.release(input.data).catch((err: unknown) => jobLog.warn({ err }, 'job input not released'));
  }

  function pump() {
    while (started && !closed && active.size < deps.concurrency) {
      const job = repo.claimNext(clock());
      if (!job) return;
      const ac = new AbortController();
      const done = execute(job, ac)
        .catch((err: unknown) => log.error({ err, jobId: job.id }, 'job runner error'))
        .finally(() => {
          active.delete(job.id);
          pump();
        });
      active.set(job.id, { ac, done });
    }
  }

  return {
    register(kind, handler) {
      handlers.set(kind, handler as JobHandler);
    },
    async start() {
      for (const job of repo.inState('running')) await recover(job);
      started = true;
      pump();
    },
    enqueue(j) {
      handlerOf(j.kind);
      const job = repo.insert({ ...j, now: clock() });
      queueMicrotask(pump);
      return publicJob(job);
    },
    get: (id) => {
      const j = repo.get(id);
      return j && publicJob(j);
    },
    list: (o) => repo.list(o).map(publicJob),
    pending: () => [...repo.inState('queued'), ...repo.inState('running')],
    async cancel(id) {
      const job = repo.get(id);
      if (!job) throw notFound(`job ${id}`);
      const running = active.get(id);
      if (job.state === 'queued' && repo.cancel(id, ['queued'], clock())) await release(job);
      else if (running) {
        running.ac.abort(new Cancelled('cancelled by a user'));
        await running.done;
      } else if (job.state === 'running' && repo.cancel(id, ['running'], clock())) await release(job);
      const now = repo.get(id)!;
      if (now.state !== 'cancelled')
        throw new AppError(
          'conflict',
          `job ${id} has already ${now.state === 'succeeded' ? 'succeeded' : 'ended'} (${now.state})`,
        );
      return publicJob(now);
    },
    async close() {
      closed = true;
      for (const { ac } of active.values()) ac.abort(new Shutdown('server shutting down'));
      await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
