/**
 * `npm run bench:emergency-fanout [-- --receivers 10000 --per-process 2500 --brokers embedded,mosquitto]`
 *
 * Issue 7: N simulated receivers (real agents, timer player, several fleet processes), one emergency to
 * all of them (the province), through the HTTP API as an operator starts it. Measures, from the start
 * instant, when each receiver got the command and when its audio started (media file: player start
 * after the download into its cache), p50/p99/max as the server's reach API reports them in server
 * time, and the server's RSS. Once with the embedded broker and once with this machine's Mosquitto
 * (127.0.0.1:1883) as external broker, in the same run. Prints one JSON line.
 *
 * `--source` picks what the receivers play:
 *   - `media` (default): a processed file, downloaded into each receiver's cache, then played;
 *   - `icecast`: a live mount (the file played live) that the server pushes as a source to a real
 *     icecast2 started here; the emergency says `via: 'icecast'`, so the receivers pull the stream from
 *     Icecast (the scale-out path for 10,000 receivers: this machine caps a process at 20,000 open files,
 *     so the server cannot hold 10,000 broker connections and 10,000 listeners itself);
 *   - `live`: the same live mount pulled from the server itself (measure it with 4,000 receivers).
 * For a stream "audio started" is the receiver's first audio bytes (the simulated receivers decode
 * nothing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { topics } from '@nguon/protocols';
import { provisionDemoReceivers } from '@nguon/server';
import mqtt from 'mqtt';
import { makeTone, removeTestAudio } from '../src/support/audio.js';
import { type RunningIcecast, startIcecast } from '../src/support/icecast.js';
import { uploadAsAdmin } from './support/bench-api.js';
import { BENCH_ADMIN_PASSWORD, startBenchServer } from './support/bench-server.js';
import { printFigures, progress, round } from './support/figures.js';
import { startSampler } from './support/proc.js';

const { values } = parseArgs({
  options: {
    receivers: { type: 'string', default: '10000' },
    'per-process': { type: 'string', default: '2500' },
    rate: { type: 'string', default: '250' },
    brokers: { type: 'string', default: 'embedded,mosquitto' },
    /** Length of the test audio; default 2 s for media, 10 s (played 20 times) for a live mount. */
    'tone-s': { type: 'string', default: '' },
    'fetch-concurrency': { type: 'string', default: '256' },
    /** `media` (default), `icecast` or `live`: see above. */
    source: { type: 'string', default: 'media' },
    'timeout-s': { type: 'string', default: '180' },
  },
});
const receivers = Number(values.receivers);
const processes = Math.ceil(receivers / Number(values['per-process']));
const MOSQUITTO = 'mqtt://127.0.0.1:1883';
const MB = 1024 * 1024;
const require = createRequire(import.meta.url);

interface Reach {
  targeted: number;
  received: number;
  started: number;
  failed: number;
  latencyMs: Record<
    'received' | 'started',
    { p50: number | null; p90: number | null; p99: number | null; max: number | null }
  >;
}

function spawnFleet(args: string[]): { child: ChildProcess; ready: Promise<Record<string, unknown>> } {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_FLEET_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_FLEET_PROF}`] : []),
      '--conditions=@nguon/source',
      '--import',
      require.resolve('tsx'),
      fileURLToPath(new URL('./emergency-fanout-fleet.ts', import.meta.url)),
      ...args,
    ],
    // Each real receiver has its own disk and threads; thousands in one process share libuv's pool of 4,
    // where every download's write, fsync and rename would queue behind all the others'.
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '', UV_THREADPOOL_SIZE: '64' } },
  );
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.type === 'ready') resolve(line);
        if (line.type === 'stats' && Number(line.fetches) > 0 && process.env.BENCH_VERBOSE)
          progress(`fleet: ${JSON.stringify(line)}`);
      } catch {}
    });
    child.once('exit', (code) => reject(new Error(`fleet process exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mosquitto keeps retained messages across runs: leave none of ours behind. */
async function clearRetained(ids: readonly string[]): Promise<void> {
  const c = await mqtt.connectAsync(MOSQUITTO, { protocolVersion: 4 });
  const list = [topics.areaEmergency(['VN', '46']), topics.areaEmergency(['VN'])];
  for (const id of ids) list.push(topics.devicePresence(id), topics.deviceDesired(id), topics.devicePlaylist(id));
  for (let i = 0; i < list.length; i += 500)
    await Promise.all(list.slice(i, i + 500).map((t) => c.publishAsync(t, '', { qos: 1, retain: true })));
  await c.endAsync();
}

const sourceKind = values.source as 'media' | 'icecast' | 'live';
if (!['media', 'icecast', 'live'].includes(sourceKind)) throw new Error(`--source: media, icecast or live`);

async function runOnce(broker: 'embedded' | 'mosquitto', tone: string) {
  const env: Record<string, string> =
    broker === 'mosquitto' ? { NGUON_MQTT_EMBEDDED: 'false', NGUON_MQTT_URL: MOSQUITTO } : {};
  const ice = sourceKind === 'icecast' ? await startIcecast({ clients: receivers + 100, burstBytes: 16_000 }) : null;
  if (ice) env.NGUON_ICECAST_URL = ice.sourceUrl;
  const server = await startBenchServer(env);
  const children: ChildProcess[] = [];
  // The simulated receivers' SD cards live in memory when it can: ten thousand fsyncs on this shared
  // disk would measure the bench machine, not the system.
  const dir = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'nguon-bench-emergency-'));
  let ids: string[] = [];
  try {
    const { running } = server;
    if (broker === 'mosquitto') await clearRetained([]);
    const media = await uploadAsAdmin(running.url, BENCH_ADMIN_PASSWORD, tone);
    progress(`${broker}: registering ${receivers} receivers`);
    const creds = provisionDemoReceivers(running.services, receivers);
    ids = creds.map((c) => c.deviceId);
    const fleets = [];
    for (let i = 0; i < processes; i++) {
      const file = path.join(dir, `part-${i}.json`);
      await writeFile(file, JSON.stringify(creds.filter((_, j) => j % processes === i)), { mode: 0o600 });
      const f = spawnFleet([
        ...['--credentials', file, '--broker', running.brokerUrl, '--data-dir', path.join(dir, `fleet-${i}`)],
        ...['--rate', String(Math.ceil(Number(values.rate) / processes))],
        ...['--durations', `${media.sha256}:${media.durationMs}`],
        ...['--fetch-concurrency', String(values['fetch-concurrency'])],
      ]);
      children.push(f.child);
      fleets.push(f);
    }
    progress(`${broker}: ${processes} fleet processes started; waiting until every receiver is ready`);
    const ready = await Promise.all(fleets.map((f) => f.ready));

    const login = await fetch(`${running.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${running.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    const sampler = startSampler(process.pid, 250);
    const rssBefore = process.memoryUsage().rss / MB;
    const source =
      sourceKind === 'media'
        ? { kind: 'media', sha256: media.sha256 }
        : { kind: 'live', mountId: await liveMount(api, media.sha256, ice), via: ice ? 'icecast' : 'server' };
    progress(`${broker}: emergency to ${receivers} receivers`);
    const t0 = performance.now();
    const started = await api<{ emergency: { id: string }; targeted: number }>('POST', '/api/v1/emergencies', {
      title: 'Bão khẩn cấp — đo tải',
      targets: { units: ['46'] },
      source,
      validForS: 600,
    });
    const startCallMs = performance.now() - t0;
    const deadline = performance.now() + Number(values['timeout-s']) * 1000;
    let reach: Reach;
    for (;;) {
      await sleep(1000);
      reach = (await api<{ reach: Reach }>('GET', `/api/v1/emergencies/${started.emergency.id}`)).reach;
      if (reach.received + reach.failed >= receivers && reach.started + reach.failed >= receivers) break;
      if (performance.now() > deadline) break;
      progress(`${broker}: received ${reach.received}, started ${reach.started}, failed ${reach.failed}`);
    }
    sampler.stop();
    await api('POST', `/api/v1/emergencies/${started.emergency.id}/stop`, { reason: 'bench over' });
    const pick = (d: Reach['latencyMs']['received']) => ({ p50: d.p50, p90: d.p90, p99: d.p99, max: d.max });
    const result = {
      targeted: started.targeted,
      received: reach.received,
      started: reach.started,
      failed: reach.failed,
      ...(reach.received < receivers || reach.started < receivers ? { timedOut: true } : {}),
      startCallMs: round(startCallMs),
      receivedMs: pick(reach.latencyMs.received),
      startedMs: pick(reach.latencyMs.started),
      serverRssMbBefore: round(rssBefore),
      serverRssMbPeak: round(Math.max(...sampler.samples.map((s) => s.rssKb)) / 1024),
      fleetRssMb: ready.reduce((s, l) => s + Number(l.rssMb), 0),
      readyAtStart: ready.reduce((s, l) => s + Number(l.readyAgents), 0),
    };
    // On stderr at once: the figures survive whatever happens while everything shuts down.
    progress(`${broker}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    progress(`${broker}: stopping fleets and server`);
    await Promise.all(children.map(stopChild));
    // aedes may overflow its stack in qlobber while closing with thousands of sessions just gone
    // (seen here, outside this module): recorded, and the run goes on to the next broker.
    const onCrash = (err: Error) => progress(`${broker}: error while closing the server: ${err.message}`);
    process.on('uncaughtException', onCrash);
    await server.close().catch(onCrash);
    await sleep(2000);
    process.off('uncaughtException', onCrash);
    if (broker === 'mosquitto') await clearRetained(ids).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await ice?.close();
  }
}

/** A file played live on a mount (pushed to Icecast when there is one); its id once it is on air there. */
async function liveMount(
  api: <T>(method: string, url: string, body?: unknown) => Promise<T>,
  sha256: string,
  ice: RunningIcecast | null,
): Promise<string> {
  const { mount } = await api<{ mount: { id: string } }>('POST', '/api/v1/live', {
    kind: 'file',
    unitCode: '46',
    title: 'Phát trực tiếp — đo tải',
    sha256,
    plays: 20,
    icecast: ice !== null,
  });
  const deadline = performance.now() + 30_000;
  for (;;) {
    const info = (
      await api<{ mount: { state: string; icecast: { state: string } | null } }>('GET', `/api/v1/live/${mount.id}`)
    ).mount;
    const onIcecast = ice ? (await ice.mounts()).some((m) => m.mount === `/${mount.id}.mp3`) : true;
    if (info.state === 'live' && (!ice || (info.icecast?.state === 'pushing' && onIcecast))) return mount.id;
    if (performance.now() > deadline) throw new Error(`live mount not on air: ${JSON.stringify(info)}`);
    await sleep(200);
  }
}

const tone = await makeTone({ seconds: Number(values['tone-s'] || (sourceKind === 'media' ? 2 : 10)), format: 'wav' });
const figures: Record<string, unknown> = {
  receivers,
  processes,
  source: values.source,
};
try {
  for (const b of values.brokers.split(',') as Array<'embedded' | 'mosquitto'>) figures[b] = await runOnce(b, tone);
} finally {
  await removeTestAudio();
}
printFigures(figures);
process.exit(0);
