import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAgent, unitLaunch } from '@nguon/device-agent/bundle';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const MAIN = 'device-agent/src/main.ts';
/** Inside node_modules, so the bundle's bare imports (mqtt, pino, …) resolve as the agent's would. */
const BUNDLE = path.join(ROOT, 'node_modules/.cache/nguon-bench/nguon-agent.mjs');

export type AgentRunner = 'bundle' | 'tsx';

/**
 * How the agent is started. `bundle` is the receiver's way: the production bundle (device-agent's
 * scripts/bundle.mjs) with the Node flags and environment of nguon-agent.service. `tsx` runs from
 * source, with tsx's own loader thread (about 35 MB here) that a receiver never carries.
 */
export async function agentLaunch(
  runner: AgentRunner,
  file: string,
): Promise<{ argv: string[]; env: Record<string, string> }> {
  if (runner === 'tsx') {
    const argv = ['--conditions=@nguon/source', '--import', require.resolve('tsx'), path.join(ROOT, MAIN), file];
    return { argv, env: {} };
  }
  const { flags, env } = await unitLaunch();
  return { argv: [...flags, await bundleAgent(BUNDLE), file], env };
}

export interface RunningAgent {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts one agent process with `config` (written to a temp file with its data folder). */
export async function runAgent(config: Record<string, unknown>, runner: AgentRunner): Promise<RunningAgent> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-agent-'));
  const file = path.join(dir, 'agent.json');
  await writeFile(file, JSON.stringify({ dataDir: path.join(dir, 'data'), ...config }), { mode: 0o600 });
  const launch = await agentLaunch(runner, file);
  const child = spawn(process.execPath, launch.argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...launch.env },
  });
  // Bounded: only the tail matters when something goes wrong.
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(force);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
