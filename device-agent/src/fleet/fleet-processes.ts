import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FleetDevice } from './fleet.js';
import type { FleetCliArgs } from './fleet-cli-args.js';

export type FleetLine = { type: 'stats' | 'ready' | 'final'; pid: number } & Record<string, unknown>;

/** The options a child needs to behave like its parent, minus where its receivers come from. */
export function childArgv(args: FleetCliArgs, credentialsFile: string, broker: string): string[] {
  const out = ['--credentials', credentialsFile, '--broker', broker];
  const add = (name: string, value: number | string | undefined) => {
    if (value !== undefined) out.push(`--${name}`, String(value));
  };
  add('data-dir', args.dataDir);
  add('heartbeat-s', args.heartbeatS);
  add('rate', args.rate);
  add('skew-max-ms', args.skewMaxMs);
  add('stats-s', args.statsS);
  add('duration-s', args.durationS);
  add('log-level', args.logLevel);
  if (args.flakiness) {
    out.push('--flaky');
    add('flaky-up-s', args.flakiness.meanUpS);
    add('flaky-down-s', args.flakiness.meanDownS);
  }
  return out;
}

/** Times run in parallel across children: the fleet took as long as its slowest child. */
const MAX_KEYS = new Set(['elapsedS', 'connectSeconds']);

/** Sums the children's counters and memory (so `rssMb` is the fleet's total); times take the maximum. */
export function aggregate(lines: readonly FleetLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of lines) {
    for (const [k, v] of Object.entries(line)) {
      if (typeof v !== 'number' || k === 'pid') continue;
      out[k] = MAX_KEYS.has(k) ? Math.max(out[k] ?? v, v) : (out[k] ?? 0) + v;
    }
  }
  // Sums of rounded megabytes pick up float noise (209.89999…).
  for (const k of Object.keys(out)) out[k] = Math.round(out[k]! * 1000) / 1000;
  if (out.rssMb !== undefined && out.baseRssMb !== undefined && out.connected)
    out.mbPerAgent = Math.round(((out.rssMb - out.baseRssMb) / out.connected) * 1000) / 1000;
  return out;
}

/**
 * Runs the fleet as K child processes of this same program, each with an equal share of the receivers
 * (one process holds about 5,000: file descriptors and one core). Every child prints JSON lines; this
 * parent prints their sum. Secrets reach the children in a private temp file, never on a command line.
 */
export async function runFleetChildren(opts: {
  args: FleetCliArgs;
  devices: readonly FleetDevice[];
  broker: string;
  entry: string;
  print: (line: Record<string, unknown>) => void;
}): Promise<void> {
  const k = Math.min(opts.args.processes, opts.devices.length);
  const dir = await mkdtemp(join(tmpdir(), 'nguon-fleet-creds-'));
  // The latest line of each kind from each child; a kind is printed once every child has sent it.
  const latest = {
    stats: new Map<number, FleetLine>(),
    ready: new Map<number, FleetLine>(),
    final: new Map<number, FleetLine>(),
  };
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < k; i++) {
      const share = opts.devices.filter((_, j) => j % k === i);
      const file = join(dir, `part-${i}.json`);
      await writeFile(file, JSON.stringify(share), { mode: 0o600 });
      const child = spawn(
        process.execPath,
        [...process.execArgv, opts.entry, ...childArgv(opts.args, file, opts.broker)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (text) => {
        const line = parseLine(text);
        if (!line) return void process.stderr.write(`${text}\n`);
        const seen = latest[line.type];
        const first = !seen.has(i);
        seen.set(i, line);
        // Every line carries the child's current counters: the next stats sum uses the newest.
        latest.stats.set(i, line);
        // 'ready' and 'final' come once per child; stats come periodically and are printed at child 0's pace.
        if (seen.size === k && (line.type === 'stats' ? i === 0 : first))
          opts.print({ type: line.type, processes: k, ...aggregate([...seen.values()]) });
      });
    }
    const forward = (signal: NodeJS.Signals) => {
      for (const c of children) c.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseLine(text: string): FleetLine | null {
  try {
    const v = JSON.parse(text) as unknown;
    const type = (v as { type?: unknown } | null)?.type;
    return type === 'stats' || type === 'ready' || type === 'final' ? (v as FleetLine) : null;
  } catch {
    return null;
  }
}
