import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHardware, type HookName } from './hardware.js';
import { createHookRunner, describeFailure } from './hook-runner.js';

const silent = pino({ level: 'silent' });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-hooks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hook runner (real /bin/sh)', () => {
  const runner = createHookRunner({ timeoutMs: 5_000 });

  it('runs a command and keeps its output', async () => {
    const r = await runner.run('echo amplifier on; echo warn >&2');
    expect(r).toMatchObject({ ok: true, code: 0, timedOut: false, notFound: false, stdout: 'amplifier on\n' });
    expect(r.stderr).toBe('warn\n');
  });

  it('reports a failing command with its exit code and words', async () => {
    const f = await runner.run('false');
    expect(f).toMatchObject({ ok: false, code: 1, timedOut: false, notFound: false });
    const g = await runner.run('echo relay stuck >&2; exit 3');
    expect(describeFailure(g)).toBe('exit code 3: relay stuck');
  });

  it('tells a missing command apart', async () => {
    const r = await runner.run('no-such-command-nguon --flag');
    expect(r).toMatchObject({ ok: false, code: 127, notFound: true });
    const noShell = await createHookRunner({ shell: join(dir, 'no-sh') }).run('echo');
    expect(noShell).toMatchObject({ ok: false, notFound: true });
  });

  it('kills a hook that outlives its timeout, children included', async () => {
    const pidFile = join(dir, 'child.pid');
    const started = Date.now();
    // A background child holds the pipes open: without the process-group kill this would take 30 s.
    const r = await runner.run(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, timedOut: true, code: null });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(describeFailure(r)).toMatch(/^timed out after \d+ ms$/);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    // Gone, or a zombie waiting for whichever init adopted it: either way no longer running.
    const state = async () => (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ') X')).split(') ')[1]?.[0];
    await vi.waitFor(async () => expect(['X', 'Z']).toContain(await state()), { timeout: 2_000 });
  });

  it('bounds the output it keeps', async () => {
    const r = await createHookRunner({ maxOutputBytes: 100 }).run('yes | head -c 100000');
    expect(r.ok).toBe(true);
    expect(r.stdout.length).toBe(100);
  });
});

describe('hardware hooks', () => {
  const failures: HookName[] = [];
  const hardware = () =>
    createHardware({
      hooks: { amplifierOn: `touch ${join(dir, 'amp')}`, amplifierOff: 'exit 2', fmOn: 'sleep 5' },
      runner: createHookRunner(),
      logger: silent,
      timeoutMs: 200,
      onFailure: (name) => failures.push(name),
    });

  it('switches the amplifier and remembers the state reached', async () => {
    const hw = hardware();
    expect(hw.amplifierOn()).toBeNull();
    expect(await hw.amplifier(true)).toEqual({ ok: true });
    expect(hw.amplifierOn()).toBe(true);
    await expect(readFile(join(dir, 'amp'))).resolves.toBeDefined();
    expect(await hw.amplifier(false)).toMatchObject({ ok: false, code: 'hook_failed' });
    expect(hw.amplifierOn()).toBeNull();
  });

  it('answers unsupported without a hook and hook_failed on a timeout, never throwing', async () => {
    const hw = hardware();
    expect(hw.has('reboot')).toBe(false);
    expect(await hw.run('reboot')).toMatchObject({ ok: false, code: 'unsupported' });
    expect(await hw.run('fmOn')).toMatchObject({ ok: false, code: 'hook_failed' });
    expect(failures).toEqual(['amplifierOff', 'fmOn']);
  });
});
