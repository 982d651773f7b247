import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { jobs } from '../../db/schema.js';
import { JOB_KINDS, JOB_STATES, type Job, type JobError, type JobKind, type JobState } from './jobs.schemas.js';

type Row = typeof jobs.$inferSelect;

/** A job with its (unparsed) input, for the runner. */
export interface StoredJob extends Job {
  input: unknown;
}

const isKind = (v: string): v is JobKind => (JOB_KINDS as readonly string[]).includes(v);
const isState = (v: string): v is JobState => (JOB_STATES as readonly string[]).includes(v);

function toJob(r: Row): StoredJob {
  if (!isKind(r.kind) || !isState(r.state)) throw new Error(`job ${r.id} has kind ${r.kind} / state ${r.state}`);
  const input = r.input as Record<string, unknown> | null;
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    progress: r.progress,
    title: typeof input?.title === 'string' ? input.title : null,
    result: (r.result as Record<string, unknown> | null) ?? null,
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    unitId: r.unitId,
    createdBy: r.createdBy,
    attempts: r.attempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    input: r.input,
  };
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;

export function createJobsRepository(db: Db) {
  const get = (id: number) => {
    const r = db.select().from(jobs).where(eq(jobs.id, id)).get();
    return r && toJob(r);
  };
  /** Moves a job from one state to another; false when it was no longer in `from`. */
  const transition = (id: number, from: JobState[], set: Partial<typeof jobs.$inferInsert>) =>
    db
      .update(jobs)
      .set(set)
      .where(and(eq(jobs.id, id), inArray(jobs.state, from)))
      .run().changes > 0;

  return {
    get,
    insert(j: { kind: JobKind; input: unknown; unitId: number; createdBy: number | null; now: number }): StoredJob {
      const row = db
        .insert(jobs)
        .values({ ...j, state: 'queued', createdAt: j.now, updatedAt: j.now })
        .returning()
        .get();
      return toJob(row);
    },
    list(o: { unitIds?: number[]; state?: JobState; limit: number; offset: number }): StoredJob[] {
      const where = and(
        o.unitIds ? inArray(jobs.unitId, o.unitIds) : undefined,
        o.state ? eq(jobs.state, o.state) : undefined,
      );
      return db
        .select()
        .from(jobs)
        .where(where)
        .orderBy(desc(jobs.id))
        .limit(o.limit)
        .offset(o.offset)
        .all()
        .map(toJob);
    },
    /** The oldest queued job, now running; one transaction, so two claimers never take the same job. */
    claimNext(now: number): StoredJob | undefined {
      return db.transaction((tx) => {
        const next = tx.select().from(jobs).where(eq(jobs.state, 'queued')).orderBy(jobs.id).limit(1).get();
        if (!next) return undefined;
        const claimed = { state: 'running', attempts: next.attempts + 1, startedAt: now, updatedAt: now, progress: 0 };
        tx.update(jobs).set(claimed).where(eq(jobs.id, next.id)).run();
        return toJob({ ...next, ...claimed });
      });
    },
    inState(state: JobState): StoredJob[] {
      return db.select().from(jobs).where(eq(jobs.state, state)).orderBy(jobs.id).all().map(toJob);
    },
    setProgress(id: number, progress: number, now: number): void {
      transition(id, ['running'], { progress, updatedAt: now });
    },
    succeed(id: number, result: Record<string, unknown>, now: number): boolean {
      return transition(id, ['running'], { state: 'succeeded', progress: 1, result, finishedAt: now, updatedAt: now });
    },
    fail(id: number, error: JobError, now: number): boolean {
      const set = {
        state: 'failed',
        errorCode: error.code,
        errorMessage: error.message,
        finishedAt: now,
        updatedAt: now,
      };
      return transition(id, ['queued', 'running'], set);
    },
    cancel(id: number, from: JobState[], now: number): boolean {
      return transition(id, from, { state: 'cancelled', finishedAt: now, updatedAt: now });
    },
    requeue(id: number, now: number): boolean {
      return transition(id, ['running'], { state: 'queued', progress: 0, updatedAt: now });
    },
  };
}
