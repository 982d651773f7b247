import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
/** Inside node_modules, so the bundle's bare imports (mqtt, pino, …) resolve as the agent's would. */
const BUNDLE = path.join(ROOT, 'node_modules/.cache/nguon-bench/agent-main.mjs');

export type AgentRunner = 'bundle' | 'tsx';

/**
 * The agent as JavaScript, as a receiver runs it: tsx from source adds its own loader thread (about
 * 35 MB here) that a receiver never carries. Workspace packages are bundled in; npm packages stay
 * external. esbuild comes with tsx.
 */
async function bundleAgent(): Promise<string> {
  const { build } = await import('esbuild');
  const deps = new Set<string>();
  for (const pkg of ['device-agent', 'protocols', 'schemas']) {
    const json = JSON.parse(await readFile(path.join(ROOT, pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(json.dependencies ?? {})) if (!name.startsWith('@nguon/')) deps.add(name);
  }
  await build({
    entryPoints: [path.join(ROOT, 'device-agent/src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@nguon/source'],
    external: [...deps],
    outfile: BUNDLE,
    logLevel: 'warning',
  });
  return BUNDLE;
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
  const argv =
    runner === 'bundle'
      ? [await bundleAgent(), file]
      : [
          '--conditions=@nguon/source',
          '--import',
          require.resolve('tsx'),
          path.join(ROOT, 'device-agent/src/main.ts'),
          file,
        ];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
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
