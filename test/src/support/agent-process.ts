import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Runs the real device agent as its own process, from source, as a receiver would run it. */
export async function spawnAgent(config: Record<string, unknown>): Promise<AgentProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nguon-agent-'));
  const file = path.join(dir, 'agent.json');
  await writeFile(file, JSON.stringify({ dataDir: path.join(dir, 'data'), logLevel: 'info', ...config }));
  const tsx = require.resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--conditions=@nguon/source', '--import', tsx, path.join(ROOT, 'device-agent/src/main.ts'), file],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
