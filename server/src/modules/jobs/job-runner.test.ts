import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OpenDatabase, openDatabase } from '../../db/db.js';
import { AppError } from '../../errors.js';
import { createJobRunner, type JobContext, type JobRunner, MAX_ATTEMPTS } from './job-runner.js';

const Input = z.object({ name: z.string(), title: z.string().optional() });
type Input = z.infer<typeof Input>;

/** A handler whose runs finish when the test says so, recording what the runner asked of it. */
function controlledHandler() {
  const runs = new Map<string, { ctx: JobContext; finish(r?: unknown): void; fail(e: unknown): void }>();
  const started: string[] = [];
  const released: string[] = [];
  /** Inputs that have vanished (deleted while the server was down). */
  const gone = new Set<string>();
  const waiters: Array<() => void> = [];
  return {
    runs,
    started,
    released,
    gone,
    /** Resolves once `n` runs have started. */
    startedCount: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (started.length >= n ? resolve() : waiters.push(check));
        check();
      }),
    handler: {
      input: Input,
      run: (job: { input: Input }, ctx: JobContext) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const { name } = job.input;
          started.push(name);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          runs.set(name, { ctx, finish: (r) => resolve({ done: r ?? name }), fail: reject });
          for (const w of waiters.splice(0)) w();
        }),
      inputAvailable: async (input: Input) => !gone.has(input.name),
      release: async (input: Input) => {
        released.push(input.name);
      },
    },
  };
}

describe('job runner', () => {
  let dir: string;
  let database: OpenDatabase;
  let now = 1_000;
  const runners: JobRunner[] = [];
  const make = (concurrency = 1) => {
    const runner = createJobRunner({ db: database.db, concurrency, clock: () => now, log: pino({ level: 'silent' }) });
    runners.push(runner);
    return runner;
  };
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setImmediate(r));
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nguon-jobs-'));
    database = openDatabase(path.join(dir, 'db.sqlite'));
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.close();
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs at most `concurrency` jobs at once, oldest first, and stores their results', async () => {
    const h = controlledHandler();
    const runner = make(2);
    runner.register('transcode', h.handler);
    await runner.start();
    const jobs = ['a', 'b', 'c'].map((name) =>
      runner.enqueue({ kind: 'transcode', input: { name, title: `T ${name}` }, unitId: 7, createdBy: 1 }),
    );
    await h.startedCount(2);
    expect(h.started).toEqual(['a', 'b']);
    expect(runner.get(jobs[2]!.id)?.state).toBe('queued');
    h.runs.get('a')!.finish();
    await h.startedCount(3);
    h.runs.get('b')!.finish();
    h.runs.get('c')!.finish();
    await until(() => runner.list({ limit: 10, offset: 0 }).every((j) => j.state === 'succeeded'));
    expect(runner.get(jobs[0]!.id)).toMatchObject({
      state: 'succeeded',
      progress: 1,
      result: { done: 'a' },
      title: 'T a',
      unitId: 7,
      attempts: 1,
    });
    expect(h.released.sort()).toEqual(['a', 'b', 'c']);
  });

  it('writes progress at most twice a second, never backwards', async () => {
    const h = controlledHandler();
    const runner = make();
    runner.register('transcode', h.handler);
    await runner.start();
    const job = runner.enqueue({ kind: 'transcode', input: { name: 'p' }, unitId: 1, createdBy: null });
    await h.startedCount(1);
    const { ctx } = h.runs.get('p')!;
    ctx.progress(0.2);
    now += 100;
    ctx.progress(0.4);
    expect(runner.get(job.id)?.progress).toBe(0.2);
    now += 500;
    ctx.progress(0.3);
    expect(runner.get(job.id)?.progress).toBe(0.4);
    now += 500;
    ctx.progress(0.6);
    expect(runner.get(job.id)?.progress).toBe(0.6);
    h.runs.get('p')!.finish();
  });

  it('records why a job failed: the API error as is, anything else as internal', async () => {
    const h = controlledHandler();
    const runner = make(2);
    runner.register('tts', h.handler);
    await runner.start();
    const bad = runner.enqueue({ kind: 'tts', input: { name: 'bad' }, unitId: 1, createdBy: null });
    const bug = runner.enqueue({ kind: 'tts', input: { name: 'bug' }, unitId: 1, createdBy: null });
    await h.startedCount(2);
    h.runs.get('bad')!.fail(new AppError('unprocessable', 'the recording is silent'));
    h.runs.get('bug')!.fail(new TypeError('x is undefined'));
    await until(() => runner.get(bug.id)?.state === 'failed' && runner.get(bad.id)?.state === 'failed');
    expect(runner.get(bad.id)?.error).toEqual({ code: 'unprocessable', message: 'the recording is silent' });
    expect(runner.get(bug.id)?.error?.code).toBe('internal');
    expect(h.released.sort()).toEqual(['bad', 'bug']);
  });

  it('cancels queued and running jobs, freeing their input, and refuses to cancel a finished one', async () => {
    const h = controlledHandler();
    const runner = make();
    runner.register('transcode', h.handler);
    await runner.start();
    const running = runner.enqueue({ kind: 'transcode', input: { name: 'r' }, unitId: 1, createdBy: null });
    const queued = runner.enqueue({ kind: 'transcode', input: { name: 'q' }, unitId: 1, createdBy: null });
    await h.startedCount(1);
    expect((await runner.cancel(queued.id)).state).toBe('cancelled');
    expect(h.released).toEqual(['q']);
    const cancelled = await runner.cancel(running.id);
    expect(cancelled.state).toBe('cancelled');
    expect(h.runs.get('r')!.ctx.signal.aborted).toBe(true);
    expect(h.released).toEqual(['q', 'r']);
    expect(h.started).toEqual(['r']);

    const done = runner.enqueue({ kind: 'transcode', input: { name: 'd' }, unitId: 1, createdBy: null });
    await h.startedCount(2);
    h.runs.get('d')!.finish();
    await until(() => runner.get(done.id)?.state === 'succeeded');
    await expect(runner.cancel(done.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(runner.cancel(9999)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('after a restart, queues again what was running if its input survived, and fails it otherwise', async () => {
    const first = controlledHandler();
    const before = make(3);
    before.register('transcode', first.handler);
    await before.start();
    const kept = before.enqueue({ kind: 'transcode', input: { name: 'kept' }, unitId: 1, createdBy: null });
    const lost = before.enqueue({ kind: 'transcode', input: { name: 'lost' }, unitId: 1, createdBy: null });
    await first.startedCount(2);
    await before.close();
    expect([before.get(kept.id)?.state, before.get(lost.id)?.state]).toEqual(['running', 'running']);
    expect(first.released).toEqual([]);

    const second = controlledHandler();
    second.gone.add('lost');
    const after = make(3);
    after.register('transcode', second.handler);
    await after.start();
    expect(after.get(lost.id)).toMatchObject({ state: 'failed', error: { code: 'input_lost' } });
    await second.startedCount(1);
    expect(second.started).toEqual(['kept']);
    expect(after.get(kept.id)).toMatchObject({ state: 'running', attempts: 2 });
    second.runs.get('kept')!.finish();
    await until(() => after.get(kept.id)?.state === 'succeeded');
    expect(second.released.sort()).toEqual(['kept', 'lost']);
  });

  it('fails a queued job whose input vanished before it ran, without running it', async () => {
    const h = controlledHandler();
    h.gone.add('vanished');
    const runner = make();
    runner.register('transcode', h.handler);
    await runner.start();
    const job = runner.enqueue({ kind: 'transcode', input: { name: 'vanished' }, unitId: 1, createdBy: null });
    await until(() => runner.get(job.id)?.state === 'failed');
    expect(runner.get(job.id)?.error?.code).toBe('input_lost');
    expect(h.started).toEqual([]);
  });

  it(`gives up on a job interrupted ${MAX_ATTEMPTS} times`, async () => {
    const h = controlledHandler();
    let id = 0;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const runner = make();
      runner.register('transcode', h.handler);
      await runner.start();
      if (i === 0) id = runner.enqueue({ kind: 'transcode', input: { name: 'crashy' }, unitId: 1, createdBy: null }).id;
      await h.startedCount(i + 1);
      await runner.close();
    }
    const last = make();
    last.register('transcode', h.handler);
    await last.start();
    expect(last.get(id)).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, error: { code: 'interrupted' } });
  });
});
