import { type ChildProcess, spawn } from 'node:child_process';
import type { PlayHandle, PlayResult } from './player.js';

export interface SupervisedProcessOptions {
  command: string;
  args: readonly string[];
  /** Grace between SIGTERM and SIGKILL on stop. */
  killTimeoutMs?: number;
  /** How much of stderr to keep for a failure reason. */
  stderrTailChars?: number;
  now?: () => number;
}

/**
 * The one place the agent runs an external process. It keeps a bounded stderr tail (no memory growth
 * over months), escalates SIGTERM to SIGKILL so a hung decoder cannot hold the sound card, and turns
 * every ending into a PlayResult instead of throwing.
 */
export function startSupervisedProcess(opts: SupervisedProcessOptions): PlayHandle {
  const now = opts.now ?? Date.now;
  const killTimeoutMs = opts.killTimeoutMs ?? 3_000;
  const tailChars = opts.stderrTailChars ?? 400;
  const startedAt = now();
  let child: ChildProcess | undefined;
  let stopRequested = false;
  let ended = false;
  let killTimer: NodeJS.Timeout | undefined;
  let stderrTail = '';

  const done = new Promise<PlayResult>((resolve) => {
    const finish = (result: Omit<PlayResult, 'playedMs'>) => {
      if (ended) return;
      ended = true;
      clearTimeout(killTimer);
      resolve({ ...result, playedMs: Math.max(0, now() - startedAt) });
    };
    try {
      child = spawn(opts.command, [...opts.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      finish({ outcome: 'failed', reason: `spawn: ${(err as Error).message}` });
      return;
    }
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-tailChars);
    });
    child.once('error', (err) => {
      // Only a failed spawn ends the process here; a failed kill leaves it running and 'close' follows.
      if (child?.pid === undefined) finish({ outcome: 'failed', reason: `spawn: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      if (stopRequested) finish({ outcome: 'stopped' });
      else if (code === 0) finish({ outcome: 'finished' });
      else finish({ outcome: 'failed', reason: failureReason(code, signal, stderrTail) });
    });
  });

  const stop = () => {
    if (ended || stopRequested || !child) return;
    stopRequested = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child?.kill('SIGKILL'), killTimeoutMs);
  };

  return { done, stop };
}

function failureReason(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): string {
  const how = signal ? `killed by ${signal}` : `exit code ${code}`;
  const tail = stderrTail.trim();
  return (tail ? `${how}: ${tail}` : how).slice(0, 500);
}
