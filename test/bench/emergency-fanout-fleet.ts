/**
 * One fleet process of `bench:emergency-fanout` (started by emergency-fanout.ts, not by hand): real
 * agents with the timer player. Prints JSON lines: `ready` once every agent is connected, knows server
 * time and is subscribed to its areas; `stats` every 5 s. Stops on SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createFleet, createTimerPlayer, type FleetDevice, type HttpGet, httpGet } from '@nguon/device-agent/fleet';

const { values } = parseArgs({
  options: {
    credentials: { type: 'string' },
    broker: { type: 'string' },
    'data-dir': { type: 'string' },
    rate: { type: 'string', default: '250' },
    /** `sha256:ms` of the emergency audio: the timer player then reads no file at the start. */
    durations: { type: 'string', default: '' },
    /** Media downloads in flight at once from this process (a real receiver has its own link). */
    'fetch-concurrency': { type: 'string', default: '256' },
    'ready-wait-s': { type: 'string', default: '180' },
  },
});
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const devices = JSON.parse(await readFile(values.credentials!, 'utf8')) as FleetDevice[];
const durations = new Map(
  values.durations
    .split(',')
    .filter(Boolean)
    .map((d) => d.split(':') as [string, string]),
);

/**
 * Thousands of simulated receivers share this process's sockets and the server's file-descriptor cap:
 * downloads queue here instead of opening one connection per receiver at the same instant.
 */
const fetches: Array<{ queuedMs: number; fetchMs: number; at: number }> = [];
const p = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? null;

function boundedGet(limit: number): HttpGet {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = () => {
    active -= 1;
    queue.shift()?.();
  };
  return async (url, init) => {
    const queued = performance.now();
    if (active >= limit) await new Promise<void>((r) => queue.push(r));
    active += 1;
    const t = performance.now();
    try {
      const res = await httpGet(url, init);
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      fetches.push({ queuedMs: t - queued, fetchMs: performance.now() - t, at: Date.now() });
      return { status: res.status, body: Readable.from(chunks) };
    } finally {
      release();
    }
  };
}

const fleet = createFleet({
  devices,
  brokerUrl: values.broker!,
  dataDir: values['data-dir']!,
  connectsPerS: Number(values.rate),
  heartbeatIntervalS: 60,
  logLevel: 'error',
  httpGet: boundedGet(Number(values['fetch-concurrency'])),
  player: createTimerPlayer({
    durationOf: async (file) => {
      const ms = Number(durations.get(path.basename(file, '.mp3')));
      if (!(ms > 0)) throw new Error(`no duration for ${file}`);
      return ms;
    },
  }),
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fleet.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await fleet.start();
const stats = setInterval(() => {
  const f = fetches.splice(0);
  print({
    type: 'stats',
    ...fleet.stats(),
    fetches: f.length,
    fetchMsP50: p(
      f.map((x) => x.fetchMs),
      0.5,
    ),
    fetchMsMax: p(
      f.map((x) => x.fetchMs),
      1,
    ),
    queuedMsMax: p(
      f.map((x) => x.queuedMs),
      1,
    ),
  });
}, 5000);
stats.unref();
const readyCount = () =>
  fleet.members().filter((m) => {
    const s = m.agent.state();
    return s.connected && s.clockOffsetMs !== null && s.areas.length > 0;
  }).length;
// All of them, or after a bounded wait nearly all: on a loaded machine a few may still be in reconnect
// backoff; they then join through the retained record, and their latency shows it.
const waitStarted = performance.now();
for (;;) {
  const n = readyCount();
  if (n === devices.length) break;
  if (n >= devices.length * 0.99 && performance.now() - waitStarted > Number(values['ready-wait-s']) * 1000) break;
  if (Math.round(performance.now() / 250) % 40 === 0)
    process.stderr.write(`[fleet ${process.pid}] ready ${n} of ${devices.length}\n`);
  await new Promise((r) => setTimeout(r, 250));
}
// The area subscriptions follow the desired state by one round trip.
await new Promise((r) => setTimeout(r, 2000));
print({
  type: 'ready',
  agents: devices.length,
  readyAgents: readyCount(),
  rssMb: Math.round(process.memoryUsage().rss / 1048576),
});
