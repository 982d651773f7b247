import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat (100 on every common Linux). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** Monotonic ms when sampled. */
  atMs: number;
  rssKb: number;
  /** The process's own pages (heap, stacks): RSS without the shared, file-backed pages of the node binary. */
  rssAnonKb: number;
  /** utime + stime of the process itself (not its children), in clock ticks. */
  cpuTicks: number;
}

/** RSS from /proc/<pid>/status and CPU time from /proc/<pid>/stat; null once the process is gone. */
export function sampleProc(pid: number): ProcSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    const rssAnonKb = Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { atMs: performance.now(), rssKb, rssAnonKb, cpuTicks };
  } catch {
    return null;
  }
}

/** Share of one core used between two samples, in percent. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const seconds = (b.atMs - a.atMs) / 1000;
  return seconds > 0 ? ((b.cpuTicks - a.cpuTicks) / CLK_TCK / seconds) * 100 : 0;
}

/** Samples a process at a fixed period until stopped; the samples are kept for later analysis. */
export function startSampler(pid: number, periodMs: number): { samples: ProcSample[]; stop(): void } {
  const samples: ProcSample[] = [];
  const take = () => {
    const s = sampleProc(pid);
    if (s) samples.push(s);
  };
  take();
  const timer = setInterval(take, periodMs);
  return { samples, stop: () => clearInterval(timer) };
}
