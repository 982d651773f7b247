import { spawn } from 'node:child_process';

export interface HookResult {
  ok: boolean;
  /** Exit code, or null when killed by a signal (a timeout among them). */
  code: number | null;
  timedOut: boolean;
  /** Exit code 127 or a missing shell: the command does not exist on this receiver. */
  notFound: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface HookRunner {
  /** Runs `command` with /bin/sh -c. Never rejects: every failure is a result with ok false. */
  run(command: string, opts?: { timeoutMs?: number }): Promise<HookResult>;
}

export interface HookRunnerOptions {
  timeoutMs?: number;
  /** Output kept per stream; hooks are switches, not data pumps. */
  maxOutputBytes?: number;
  shell?: string;
  now?: () => number;
}

/**
 * The one place hardware hooks and sensor commands run (house style: every external process is
 * supervised): `/bin/sh -c <command>` with a timeout, like execFile, but spawned directly because
 * execFile does not pass `detached` on. Each hook runs in its own process group, so a timeout kills the
 * shell *and* whatever it started: `sh -c 'sleep 60; gpio write 1 0'` must not leave a sleeper behind
 * holding the pipes open.
 */
export function createHookRunner(opts: HookRunnerOptions = {}): HookRunner {
  const defaultTimeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxOutputBytes ?? 64 * 1024;
  const shell = opts.shell ?? '/bin/sh';
  const now = opts.now ?? Date.now;

  function runOnce(command: string, timeoutMs: number): Promise<HookResult> {
    const startedAt = now();
    return new Promise((resolve) => {
      let timedOut = false;
      let spawnError: NodeJS.ErrnoException | null = null;
      const out = { stdout: '', stderr: '' };
      const child = spawn(shell, ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream].setEncoding('utf8');
        child[stream].on('data', (chunk: string) => {
          // Bounded: a chatty hook cannot grow the agent's memory.
          if (out[stream].length < maxBytes) out[stream] = (out[stream] + chunk).slice(0, maxBytes);
        });
      }
      let grace: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
        // Something that left the group (setsid) may still hold the pipes: stop waiting for them.
        grace = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, 2_000);
      }, timeoutMs);
      child.once('error', (err) => {
        spawnError = err;
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        clearTimeout(grace);
        const exit = timedOut || spawnError ? null : code;
        resolve({
          ok: exit === 0,
          code: exit,
          timedOut,
          notFound: exit === 127 || (spawnError as NodeJS.ErrnoException | null)?.code === 'ENOENT',
          ...out,
          durationMs: now() - startedAt,
        });
      });
    });
  }

  return {
    run: (command, runOpts = {}) => runOnce(command, runOpts.timeoutMs ?? defaultTimeoutMs),
  };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone: nothing to kill.
  }
}

/** A short, single-line description of a failed hook for replies and events. */
export function describeFailure(r: HookResult): string {
  if (r.timedOut) return `timed out after ${r.durationMs} ms`;
  if (r.notFound) return 'command not found (exit code 127)';
  const tail = (r.stderr.trim() || r.stdout.trim()).replace(/\s+/g, ' ').slice(-300);
  return `exit code ${r.code ?? 'none'}${tail ? `: ${tail}` : ''}`;
}
