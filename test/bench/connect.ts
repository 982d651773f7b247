/**
 * `npm run bench:connect [-- --receivers 10000 --per-process 4900 --rate 250 --timeout-s 600]`
 * (`--receivers 5000 --per-process 5000`: the fleet simulator's capacity, 5,000 agents in one process,
 * and its memory per agent, `fleetMbPerAgent`.)
 *
 * How many receivers one server (embedded aedes broker + SQLite, in this process) holds, and what they
 * cost it: registers N receivers, starts fleet processes of real agents (timer player) against it,
 * waits until the server has seen every receiver online and its first heartbeat, then prints one JSON
 * line, partial figures with `timedOut: true` if the deadline passes first. Only 127.0.0.1 traffic;
 * everything it started is stopped.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agentsPerProcess, openFileLimit } from '@nguon/device-agent/fleet';
import { provisionDemoReceivers, type RunningServer } from '@nguon/server';
import { startBenchServer } from './support/bench-server.js';
import { printFigures, progress, round } from './support/figures.js';
import { type FleetLine, type FleetProcess, spawnFleet } from './support/fleet-process.js';
import { cpuPercent, sampleProc, startSampler } from './support/proc.js';

const { values } = parseArgs({
  options: {
    receivers: { type: 'string', default: '10000' },
    // A fleet process holds ~4 file descriptors per agent (socket + outbox database): fit ulimit -n.
    'per-process': { type: 'string', default: String(Math.min(5000, agentsPerProcess(openFileLimit()))) },
    rate: { type: 'string', default: '250' },
    'heartbeat-s': { type: 'string', default: '30' },
    'timeout-s': { type: 'string', default: '600' },
  },
});
const receivers = Number(values.receivers);
const processes = Math.ceil(receivers / Number(values['per-process']));
const MB = 1024 * 1024;

/** What the server has seen of the receivers, from its own MQTT client. */
function watchServer(running: RunningServer): { online: Set<string>; heartbeats: Set<string> } {
  const online = new Set<string>();
  const heartbeats = new Set<string>();
  running.mqtt.on('presence', ({ deviceId, message }) => {
    if (!deviceId) return;
    if (message.state === 'online') online.add(deviceId);
    else online.delete(deviceId);
  });
  running.mqtt.on('heartbeat', ({ deviceId }) => {
    if (deviceId) heartbeats.add(deviceId);
  });
  return { online, heartbeats };
}

/** Polls `check` until it holds; false once the deadline passed. */
async function until(check: () => boolean, deadline: number): Promise<boolean> {
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

/** Writes each fleet process's share of the credentials to a private file and starts the process. */
async function startFleets(creds: ReadonlyArray<{ deviceId: string; secret: string }>, brokerUrl: string, dir: string) {
  const fleets: FleetProcess[] = [];
  for (let i = 0; i < processes; i++) {
    const file = path.join(dir, `part-${i}.json`);
    await writeFile(file, JSON.stringify(creds.filter((_, j) => j % processes === i)), { mode: 0o600 });
    fleets.push(
      spawnFleet([
        ...['--credentials', file, '--broker', brokerUrl, '--rate', String(values.rate)],
        ...['--heartbeat-s', String(values['heartbeat-s']), '--stats-s', '5'],
        ...['--log-level', process.env.FLEET_LOG ?? 'error'],
      ]),
    );
  }
  return fleets;
}

async function run(running: RunningServer, credsDir: string, fleets: FleetProcess[]): Promise<void> {
  progress(`registering ${receivers} receivers`);
  const creds = provisionDemoReceivers(running.services, receivers);
  const seen = watchServer(running);
  const baseRssMb = process.memoryUsage().rss / MB;
  const sampler = startSampler(process.pid, 1000);
  const startedAt = performance.now();
  const deadline = startedAt + Number(values['timeout-s']) * 1000;
  const cpuAtStart = sampleProc(process.pid);
  fleets.push(...(await startFleets(creds, running.brokerUrl, credsDir)));
  progress(`${processes} fleet processes started; waiting for ${receivers} receivers online`);
  const report = setInterval(() => progress(`online ${seen.online.size}, heartbeats ${seen.heartbeats.size}`), 10_000);
  const allOnline = await until(() => seen.online.size >= receivers, deadline);
  const connectSeconds = (performance.now() - startedAt) / 1000;
  const cpuAtOnline = sampleProc(process.pid);
  // Every agent heartbeats right after it connects: once all have arrived, the connect wave is over.
  const settled = allOnline && (await until(() => seen.heartbeats.size >= receivers, deadline));
  clearInterval(report);
  sampler.stop();
  const lines = fleets.map((f) => f.latest.ready ?? f.latest.stats).filter((l): l is FleetLine => !!l);
  const fleetRssMb = lines.reduce((sum, l) => sum + Number(l.rssMb), 0);
  const fleetBaseMb = lines.reduce((sum, l) => sum + Number(l.baseRssMb), 0);
  const fleetConnected = lines.reduce((sum, l) => sum + Number(l.connected), 0);
  const mem = process.memoryUsage();
  printFigures({
    receivers,
    ...(settled ? {} : { timedOut: true }),
    connected: running.broker?.connectedCount() ?? 0,
    online: seen.online.size,
    processes,
    agentsPerProcess: Math.ceil(receivers / processes),
    connectSeconds: round(connectSeconds),
    serverRssMb: round(mem.rss / MB),
    serverRssBaseMb: round(baseRssMb),
    serverRssPeakMb: round(Math.max(...sampler.samples.map((s) => s.rssKb)) / 1024),
    serverHeapMb: round(mem.heapUsed / MB),
    rssPerReceiverKb: round(((mem.rss / MB - baseRssMb) * 1024) / Math.max(1, seen.online.size)),
    // Share of one core the server spent while the receivers connected.
    serverCpuPctWhileConnecting: cpuAtStart && cpuAtOnline ? round(cpuPercent(cpuAtStart, cpuAtOnline)) : null,
    fleetRssMb: round(fleetRssMb),
    fleetMbPerAgent: round((fleetRssMb - fleetBaseMb) / Math.max(1, fleetConnected), 3),
  });
}

const server = await startBenchServer();
const credsDir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-connect-creds-'));
const fleets: FleetProcess[] = [];
try {
  await run(server.running, credsDir, fleets);
} finally {
  progress('stopping fleets and server');
  await Promise.all(fleets.map((f) => f.stop()));
  await server.close();
  await rm(credsDir, { recursive: true, force: true });
}
process.exit(0);
