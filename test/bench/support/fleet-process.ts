import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

export type FleetLine = { type: 'stats' | 'ready' | 'final' } & Record<string, number | null | string>;

export interface FleetProcess {
  child: ChildProcess;
  /** The latest line of each type the fleet printed. */
  latest: Partial<Record<FleetLine['type'], FleetLine>>;
  /** Resolves with the latest line of `type`, waiting for one if none came yet; rejects if the process exits first. */
  when(type: FleetLine['type']): Promise<FleetLine>;
  /** SIGTERM (the fleet stops its agents cleanly), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs device-agent/src/fleet/fleet-main.ts from source as its own process. */
export function spawnFleet(args: readonly string[]): FleetProcess {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@nguon/source',
      '--import',
      require.resolve('tsx'),
      path.join(ROOT, 'device-agent/src/fleet/fleet-main.ts'),
      ...args,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const latest: FleetProcess['latest'] = {};
  const waiters: Array<{ type: FleetLine['type']; resolve: (l: FleetLine) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: FleetLine;
    try {
      line = JSON.parse(text) as FleetLine;
    } catch {
      return;
    }
    latest[line.type] = line;
    for (const w of waiters.filter((x) => x.type === line.type)) w.resolve(line);
  });
  // A failed spawn ends here too (as exit code null), instead of as an unhandled 'error' event.
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    child,
    latest,
    when(type) {
      const seen = latest[type];
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<FleetLine>((resolve) => waiters.push({ type, resolve })),
        exited.then((code) => {
          throw new Error(`fleet process exited (${code}) before printing '${type}'`);
        }),
      ]);
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
