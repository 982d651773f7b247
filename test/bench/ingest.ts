/**
 * `npm run bench:ingest [-- --receivers 10000 --rate 2 --processes 2 --seconds 20]`
 *
 * Sustained heartbeats per second that the server persists, and the server's CPU for it, on the real
 * path: plain MQTT connections (one per receiver, real credentials) publish heartbeats to the embedded
 * aedes broker → the server's in-process subscription decodes and validates them → per-receiver rate limit and
 * presence → the write-behind queue → SQLite batches. The server runs in this process; the publishers
 * are separate processes (support/ingest-publisher.ts). Counted in the database: rows of health_samples
 * (max rowid) over the measured window, after a warm-up. Prints one JSON line.
 *
 * The broker's ACL lets a receiver publish only on its own topics, so there is no "one connection, many
 * receivers" test mode: each simulated receiver is a real connection, and the rate per receiver is raised
 * (default 2/s, against the usual 1/30 s) so that 10,000 connections offer 20,000 heartbeats a second.
 * The per-receiver token bucket is left at its defaults (2/s sustained, burst 20) unless --rate needs more.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase, provisionDemoReceivers } from '@nguon/server';
import { startBenchServer } from './support/bench-server.js';
import { printFigures, progress, round } from './support/figures.js';
import { CLK_TCK, cpuPercent, sampleProc } from './support/proc.js';

const { values } = parseArgs({
  options: {
    receivers: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '2' },
    processes: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '20' },
    'warmup-s': { type: 'string', default: '5' },
  },
});
const receivers = Number(values.receivers);
const rate = Number(values.rate);
const processes = Number(values.processes);
const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Publisher {
  child: ChildProcess;
  ready: Promise<number>;
  sent: () => number;
}

function spawnPublisher(file: string, brokerUrl: string): Publisher {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@nguon/source',
      '--import',
      require.resolve('tsx'),
      path.join(HERE, 'support/ingest-publisher.ts'),
    ].concat(['--credentials', file, '--broker', brokerUrl, '--rate', String(rate)]),
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let sent = 0;
  const ready = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`publisher exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { ready?: number; sent?: number };
      if (m.ready !== undefined) resolve(m.ready);
      if (m.sent !== undefined) sent = m.sent;
    });
  });
  return { child, ready, sent: () => sent };
}

const bench = await startBenchServer({
  // Up to twice the offered per-receiver rate, so the limiter is not what is measured.
  NGUON_INGEST_DEVICE_RATE: String(Math.max(2, rate * 2)),
  NGUON_INGEST_DEVICE_BURST: String(Math.max(20, rate * 10)),
});
const dir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-ingest-'));
const publishers: Publisher[] = [];
try {
  progress(`registering ${receivers} receivers`);
  const creds = provisionDemoReceivers(bench.running.services, receivers);
  for (let i = 0; i < processes; i++) {
    const file = path.join(dir, `part-${i}.json`);
    await writeFile(file, JSON.stringify(creds.filter((_, j) => j % processes === i)), { mode: 0o600 });
    publishers.push(spawnPublisher(file, bench.running.brokerUrl));
  }
  const connected = (await Promise.all(publishers.map((p) => p.ready))).reduce((a, b) => a + b, 0);
  progress(`${connected} connections open; publishing ${rate}/s each`);
  for (const p of publishers) p.child.stdin?.write('go\n');

  // A second connection, as an outside observer would count; its migrations are already applied.
  const { sqlite: db, close: closeDb } = openDatabase(path.join(bench.dataDir, 'nguon.sqlite'));
  const rows = () => (db.prepare('SELECT max(rowid) FROM health_samples').pluck().get() as number | null) ?? 0;
  const sentAll = () => publishers.reduce((a, p) => a + p.sent(), 0);
  await sleep(Number(values['warmup-s']) * 1000);
  const [r0, s0, c0, t0] = [rows(), sentAll(), sampleProc(process.pid)!, performance.now()];
  await sleep(Number(values.seconds) * 1000);
  const [r1, s1, c1, t1] = [rows(), sentAll(), sampleProc(process.pid)!, performance.now()];
  const secs = (t1 - t0) / 1000;
  const stats = bench.running.services.monitoring.stats();
  closeDb();
  printFigures({
    bench: 'ingest',
    receivers: connected,
    ratePerReceiver: rate,
    seconds: round(secs, 1),
    offeredPerS: round((s1 - s0) / secs, 0),
    persistedPerS: round((r1 - r0) / secs, 0),
    serverCpuPct: round(cpuPercent(c0, c1), 0),
    // Robust to a shared machine: the server's CPU time per persisted heartbeat, and what one core would carry.
    cpuUsPerHeartbeat: r1 > r0 ? round((((c1.cpuTicks - c0.cpuTicks) / CLK_TCK) * 1e6) / (r1 - r0), 0) : null,
    perCoreCapacityPerS: r1 > r0 ? round((r1 - r0) / ((c1.cpuTicks - c0.cpuTicks) / CLK_TCK), 0) : null,
    serverRssMb: round(c1.rssKb / 1024, 0),
    dropped: stats.samplesDropped,
    rateLimited: stats.rateLimited,
    stale: stats.staleHeartbeats,
    queued: stats.queued,
    flushes: stats.flushes,
    lastFlushMs: round(stats.lastFlushMs, 1),
    cores: (await import('node:os')).availableParallelism(),
  });
} finally {
  // A clean disconnect first: aedes overflows its stack when thousands of sockets die at once on close.
  await Promise.all(
    publishers.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null) return resolve();
          p.child.once('exit', () => resolve());
          p.child.stdin?.write('stop\n');
          setTimeout(() => p.child.kill('SIGKILL'), 30_000).unref();
        }),
    ),
  );
  while ((bench.running.broker?.connectedCount() ?? 0) > 0) await sleep(100);
  await bench.close();
  await rm(dir, { recursive: true, force: true });
}
