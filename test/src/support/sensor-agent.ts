import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AgentProcess, spawnAgent } from './agent-process.js';
import { startTestServer, type TestServer } from './server.js';

export interface Alert {
  id: number;
  kind: string;
  state: string;
  title: string;
  devices: string[];
  details: { faults?: Record<string, { speakerLineOk: boolean | null; amplifierFault: boolean | null }> };
}

export const ALERT_WAIT = { timeout: 30_000, interval: 200 };

/**
 * A real server with fast alert evaluation, and a folder for the files a real agent's sensors read (the
 * test writes them as the hardware would). `spawn` starts the agent; `close` stops and removes everything.
 */
export async function startSensorRig(env: Record<string, string>, prefix: string) {
  const server: TestServer = await startTestServer({ NGUON_ALERT_EVAL_S: '0.3', ...env });
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const agents: AgentProcess[] = [];
  return {
    server,
    dir,
    async spawn(config: Record<string, unknown>): Promise<AgentProcess> {
      const agent = await spawnAgent(config);
      agents.push(agent);
      return agent;
    },
    alerts: async (kind: string, state: string) =>
      (await server.api<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=${kind}&state=${state}`)).body.alerts,
    async close() {
      for (const a of agents) await a.kill('SIGKILL');
      await server.close();
      for (const a of agents) await rm(a.dir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type SensorRig = Awaited<ReturnType<typeof startSensorRig>>;
