/**
 * `npm run bench:stream-listeners [-- --listeners 5000 --duration-s 30 --processes 2 --ramp 500]`
 *
 * N listeners on one live mount at 64 kb/s, the server (in this process) against Debian's icecast2 fed
 * the same stream (the server pushes the mount to it, the scale-out path), in the same run and one after
 * the other: CPU per listener (process CPU time / listeners / second), underruns (a listener whose
 * playout buffer — bytes received minus what its player consumed since its first byte — ran dry), bytes
 * delivered. Listeners are raw sockets in child processes (stream-listener-proc.ts). Prints one JSON line.
 * Issue 7's target: 5,000 listeners, no underrun, at most 2× icecast's CPU per listener.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { makeTone, removeTestAudio } from '../src/support/audio.js';
import { icecastInstalled, startIcecast } from '../src/support/icecast.js';
import { BENCH_ADMIN_PASSWORD, startBenchServer } from './support/bench-server.js';
import { printFigures, progress, round } from './support/figures.js';
import { CLK_TCK, cpuPercent, type ProcSample, sampleProc } from './support/proc.js';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '5000' },
    'duration-s': { type: 'string', default: '30' },
    processes: { type: 'string' },
    ramp: { type: 'string', default: '500' },
  },
});
const N = Number(values.listeners);
const durationS = Number(values['duration-s']);
const processes = Number(values.processes ?? (N > 2500 ? 2 : 1));
const RATE = 8000; // 64 kb/s
const require = createRequire(import.meta.url);

interface Report {
  type: string;
  opened: number;
  playing: number;
  closed: number;
  failed: number;
  underruns: number;
  bytes: number;
  windowBytes: number;
  windowMs: number;
  minBufferMs: number | null;
  p1BufferMs: number | null;
  endings: Record<string, number>;
  retries: number;
}

/** One child process of listeners, driven by lines on stdin, answering JSON lines. */
function spawnListeners(opts: Record<string, unknown>) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      require.resolve('tsx'),
      new URL('./support/stream-listener-proc.ts', import.meta.url).pathname,
      JSON.stringify(opts),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const waiting = new Map<string, Array<(r: Report) => void>>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Report;
    const q = waiting.get(msg.type);
    q?.shift()?.(msg);
  });
  const next = (type: string) =>
    new Promise<Report>((resolve) => {
      if (!waiting.has(type)) waiting.set(type, []);
      waiting.get(type)?.push(resolve);
    });
  const opened = next('opened');
  const ready = next('ready');
  return {
    opened,
    ready,
    async send(cmd: 'window' | 'report' | 'stop') {
      const answer = next(cmd === 'stop' ? 'final' : cmd);
      child.stdin?.write(`${cmd}\n`);
      return answer;
    },
  };
}

const sum = (rs: Report[], k: keyof Report) => rs.reduce((s, r) => s + Number(r[k] ?? 0), 0);
const minOf = (rs: Report[], k: 'minBufferMs' | 'p1BufferMs') =>
  Math.min(...rs.map((r) => r[k] ?? Number.POSITIVE_INFINITY));

/** Connects N listeners, lets them settle, measures `pid` over the window, then disconnects them. */
async function phase(
  name: string,
  pid: number,
  target: { port: number; path: string; authorization?: string },
  count: () => number | null,
) {
  progress(`${name}: connecting ${N} listeners`);
  const per = Math.ceil(N / processes);
  const procs = Array.from({ length: processes }, (_, i) =>
    spawnListeners({
      host: '127.0.0.1',
      ...target,
      count: Math.min(per, N - i * per),
      rampPerSec: Math.ceil(Number(values.ramp) / processes),
      rateBytesPerSec: RATE,
    }),
  );
  const t0 = performance.now();
  await Promise.all(procs.map((p) => p.ready));
  const connectS = round((performance.now() - t0) / 1000, 1);
  await new Promise((r) => setTimeout(r, 2000)); // the last ones get their burst and settle
  const connected = count();
  await Promise.all(procs.map((p) => p.send('window')));
  const a = sampleProc(pid) as ProcSample;
  await new Promise((r) => setTimeout(r, durationS * 1000));
  const b = sampleProc(pid) as ProcSample;
  const reports = await Promise.all(procs.map((p) => p.send('stop')));
  const cpuSeconds = (b.cpuTicks - a.cpuTicks) / CLK_TCK;
  const windowS = (b.atMs - a.atMs) / 1000;
  const playing = sum(reports, 'playing');
  const endings: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.endings)) endings[k] = (endings[k] ?? 0) + v;
  const result = {
    connectS,
    connectedSeenByServer: connected,
    endings,
    playing,
    failed: sum(reports, 'failed'),
    connectRetries: sum(reports, 'retries'),
    closedEarly: sum(reports, 'closed'),
    underruns: sum(reports, 'underruns'),
    cpuPercent: round(cpuPercent(a, b), 1),
    cpuUsPerListenerS: round((cpuSeconds / Math.max(1, playing) / windowS) * 1e6, 2),
    bytesDelivered: sum(reports, 'windowBytes'),
    deliveredOfRealTime: round(sum(reports, 'windowBytes') / (Math.max(1, playing) * RATE * windowS), 3),
    minBufferMs: minOf(reports, 'minBufferMs'),
    p1BufferMs: minOf(reports, 'p1BufferMs'),
    rssMb: round(b.rssKb / 1024, 1),
  };
  progress(`${name}: ${JSON.stringify(result)}`);
  return result;
}

async function main() {
  if (!icecastInstalled()) throw new Error('icecast2 is not installed (apt-get install icecast2)');
  const ice = await startIcecast({ clients: N + 100, burstBytes: 2 * RATE });
  // Interrupted (Ctrl-C, timeout): icecast2 is a separate process and would outlive the benchmark.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      ice.child.kill('SIGKILL');
      process.exit(130);
    });
  const server = await startBenchServer({ NGUON_ICECAST_URL: ice.sourceUrl });
  try {
    const base = server.running.url;
    const call = async <T>(method: string, url: string, body?: unknown, token?: string): Promise<T> => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const { token } = await call<{ token: string }>('POST', '/api/v1/auth/login', {
      username: 'admin',
      password: BENCH_ADMIN_PASSWORD,
    });
    const form = new FormData();
    form.append('file', new Blob([await readFile(await makeTone({ seconds: 60, format: 'wav' }))]), 'tone.wav');
    const up = await fetch(`${base}/api/v1/media`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    const { sha256 } = (await up.json()) as { sha256: string };
    const { credentials } = await call<{ credentials: { deviceId: string; secret: string } }>(
      'POST',
      '/api/v1/devices',
      { unitCode: '19753', name: 'bench' },
      token,
    );
    const { mount } = await call<{ mount: { id: string } }>(
      'POST',
      '/api/v1/live',
      { kind: 'file', unitCode: '46', title: 'bench', sha256, plays: 20 },
      token,
    );
    const live = server.running.services.live;
    while (live.get(mount.id)?.icecast?.state !== 'pushing') await new Promise((r) => setTimeout(r, 100));
    const path = `/${mount.id}.mp3`;
    const auth = `Basic ${Buffer.from(`${credentials.deviceId}:${credentials.secret}`).toString('base64')}`;

    const nguon = await phase(
      'nguon',
      process.pid,
      { port: Number(new URL(base).port), path: `/live${path}`, authorization: auth },
      () => live.get(mount.id)?.listeners ?? null,
    );
    const icecast = await phase('icecast2', ice.pid, { port: ice.port, path }, () => null);
    const after = live.get(mount.id);
    printFigures({
      bench: 'stream-listeners',
      listeners: N,
      durationS,
      processes,
      nguon: { ...nguon, droppedSlow: after?.droppedSlow, listenersAfter: after?.listeners },
      icecast,
      cpuRatio: round(nguon.cpuUsPerListenerS / Math.max(0.01, icecast.cpuUsPerListenerS), 2),
      targetMet:
        nguon.underruns === 0 && nguon.playing === N && nguon.cpuUsPerListenerS <= 2 * icecast.cpuUsPerListenerS,
    });
    await call('DELETE', `/api/v1/live/${mount.id}`, undefined, token);
  } finally {
    await server.close();
    await ice.close();
    await removeTestAudio();
  }
}

await main();
