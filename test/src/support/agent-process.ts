import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAgent, unitLaunch } from '@nguon/device-agent/bundle';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

export interface AgentProcess {
  child: ChildProcess;
  /** The agent's folder: its config file and, by default, its `data` folder. */
  dir: string;
  output(): string;
  /** The agent's JSON log lines so far (pino), unparsable lines left out. */
  lines(): Array<Record<string, unknown>>;
  stop(): Promise<number | null>;
  /** Sends `signal` (SIGKILL: a crash or power cut) and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the agent again with the same config file and data folder, as systemd would. */
  respawn(): Promise<AgentProcess>;
}

interface Launch {
  argv: string[];
  env: Record<string, string>;
}

let bundled: Promise<Launch> | undefined;

/**
 * From source by default. `NGUON_TEST_AGENT=bundle` runs the receiver's way instead: the production
 * bundle under nguon-agent.service's Node flags (--jitless…) and environment, built once per test file
 * (inside node_modules, so its bare imports resolve).
 */
function launch(): Promise<Launch> {
  if (process.env.NGUON_TEST_AGENT !== 'bundle') {
    const main = path.join(ROOT, 'device-agent/src/main.ts');
    return Promise.resolve({ argv: ['--conditions=@nguon/source', '--import', require.resolve('tsx'), main], env: {} });
  }
  bundled ??= (async () => {
    const out = path.join(ROOT, `node_modules/.cache/nguon-test/nguon-agent-${process.pid}.mjs`);
    const { flags, env } = await unitLaunch();
    return { argv: [...flags, await bundleAgent(out)], env };
  })();
  return bundled;
}

function start(dir: string, file: string, how: Launch): AgentProcess {
  const child = spawn(process.execPath, [...how.argv, file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...how.env },
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = once(child, 'exit');
  return {
    child,
    dir,
    output: () => out,
    lines: () =>
      out.split('\n').flatMap((l) => {
        try {
          const v: unknown = JSON.parse(l);
          return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    respawn: async () => start(dir, file, how),
  };
}

/** Runs the real device agent as its own process, as a receiver would run it (see `launch`). */
export async function spawnAgent(config: Record<string, unknown>): Promise<AgentProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nguon-agent-'));
  const file = path.join(dir, 'agent.json');
  await writeFile(file, JSON.stringify({ dataDir: path.join(dir, 'data'), logLevel: 'info', ...config }));
  return start(dir, file, await launch());
}
