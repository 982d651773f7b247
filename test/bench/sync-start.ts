/**
 * `npm run bench:sync-start [-- --receivers 1000 --processes 2 --lead-s 80 --skew-max-ms 300000]`
 *
 * How close to the planned instant, in server time, a programme starts on every receiver (issue 6):
 * a real server in this process (embedded broker, SQLite, HTTP on 127.0.0.1, ports 0), N real agents
 * (timer player, device clocks skewed up to ±5 minutes) in fleet processes behind a link relay, an
 * approved bulletin scheduled for all of them `lead-s` ahead. Round two does the same with every link
 * cut for the minute before the start. Spread = |instant the player was started − planned instant|,
 * measured in true time (all processes read the same system clock). Prints one JSON line; every wait
 * is bounded; everything it started is stopped.
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
import { startLinkProxy } from '@nguon/device-agent/fleet';
import { provisionDemoReceivers } from '@nguon/server';
import { removeTestAudio } from '../src/support/audio.js';
import { approvedBulletin, type Bulletin, scheduleOnce } from '../src/support/schedule.js';
import { startTestServer } from '../src/support/server.js';
import { printFigures, progress, round } from './support/figures.js';

const { values } = parseArgs({
  options: {
    receivers: { type: 'string', default: '1000' },
    processes: { type: 'string', default: '2' },
    'lead-s': { type: 'string', default: '80' },
    'cut-before-s': { type: 'string', default: '60' },
    'skew-max-ms': { type: 'string', default: '300000' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const receivers = Number(values.receivers);
const processes = Math.max(1, Math.min(Number(values.processes), receivers));
const leadMs = Number(values['lead-s']) * 1000;
const CUT_BEFORE_MS = Number(values['cut-before-s']) * 1000;
const deadline = Date.now() + Number(values['timeout-s']) * 1000;
const require = createRequire(import.meta.url);

type Line = Record<string, unknown> & { type: string };
const lines: Line[] = [];
const ready = new Set<number>();

function spawnFleet(i: number, args: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      // Hundreds of agents allocate together at a start: a larger young generation means fewer
      // scavenges, each a pause of several milliseconds for every agent in the process.
      '--max-semi-space-size=64',
      '--conditions=@nguon/source',
      '--import',
      require.resolve('tsx'),
      fileURLToPath(new URL('./sync-start-fleet.ts', import.meta.url)),
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      const line = { ...(JSON.parse(text) as Line), proc: i };
      if (line.type === 'ready') ready.add(i);
      lines.push(line);
    } catch {
      process.stderr.write(`${text}\n`);
    }
  });
  return child;
}

/** Resolves once `check` holds, polling; throws after `by` (epoch ms) with what `what` says. */
async function until(check: () => boolean, by: number, what: () => string): Promise<void> {
  while (!check()) {
    if (Date.now() > Math.min(by, deadline)) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
const p50p99 = (xs: number[]) => (xs.length ? [pct(xs, 50), pct(xs, 99)] : null);

/**
 * The starts of one occurrence, as spreads from its planned instant, split into the agents' own
 * lateness (their estimate of server time at the start, minus the plan: event-loop delay) and their
 * clock error (true instant minus their estimate: the clock sync's error).
 */
function figures(key: string, at: number) {
  const starts = lines.filter((l) => l.type === 'start' && l.key === key);
  const spreads = sorted(starts.map((l) => Math.abs(Number(l.at) - at)));
  const late = sorted(starts.map((l) => Number(l.logged) - at));
  const clockError = sorted(starts.map((l) => Math.abs(Number(l.at) - Number(l.logged))));
  const procs = [...new Set(starts.map((l) => l.proc))].map((proc) =>
    sorted(starts.filter((l) => l.proc === proc).map((l) => Number(l.perf))),
  );
  const burst = procs.map((ps) => round(ps.at(-1)! - ps[0]!));
  // Time between consecutive starts in a process, in µs: what one start costs when starts queue up.
  const gapsUs = procs.map((ps) => round(pct(sorted(ps.slice(1).map((p, i) => (p - ps[i]!) * 1000)), 50) ?? 0));
  const lag = lines.filter((l) => l.type === 'lag' && Math.abs(Number(l.at) - at) <= 1_000);
  const gc = lines.filter((l) => l.type === 'gc' && Math.abs(Number(l.at) - at) <= 1_000);
  return {
    played: new Set(starts.map((l) => l.deviceId)).size,
    p50SpreadMs: spreads.length ? pct(spreads, 50) : null,
    p99SpreadMs: spreads.length ? pct(spreads, 99) : null,
    maxSpreadMs: spreads.at(-1) ?? null,
    lateP50P99Ms: p50p99(late),
    clockErrorP50P99Ms: p50p99(clockError),
    // First to last start within each fleet process, true time.
    burstMsPerProcess: burst,
    medianGapUsPerProcess: gapsUs,
    lateJoins: starts.filter((l) => Number(l.offsetMs) > 0).length,
    skipped: lines.filter((l) => l.type === 'skip' && l.key === key).length,
    loopLagNearStartMaxMs: round(Math.max(0, ...lag.map((l) => Number(l.maxMs)))),
    gcPausesNearStartMs: gc.map((l) => `${round(Number(l.at) - at)}:${round(Number(l.durationMs))}`),
  };
}

const server = await startTestServer({ NGUON_LOG_LEVEL: process.env.NGUON_BENCH_LOG ?? 'warn' });
const proxy = await startLinkProxy({ target: server.running.brokerUrl });
const dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-sync-'));
const children: ChildProcess[] = [];
let exitCode = 0;
try {
  progress('uploading and approving two bulletins');
  const bulletins = [await approvedBulletin(server, 5, '46'), await approvedBulletin(server, 6, '46')] as const;
  progress(`registering ${receivers} receivers`);
  const creds = provisionDemoReceivers(server.running.services, receivers);
  const ids = creds.map((c) => c.deviceId);
  for (let i = 0; i < processes; i++) {
    const file = path.join(dataDir, `creds-${i}.json`);
    await writeFile(file, JSON.stringify(creds.filter((_, j) => j % processes === i)), { mode: 0o600 });
    const args = ['--credentials', file, '--broker', proxy.brokerUrl, '--data-dir', path.join(dataDir, 'agents')];
    const durations = bulletins.map((b) => `${b.sha256}:${b.durationMs}`).join(',');
    children.push(spawnFleet(i, [...args, '--skew-max-ms', String(values['skew-max-ms']), '--durations', durations]));
  }
  progress(`${processes} fleet processes; waiting for ${receivers} receivers connected and clock-synced`);
  await until(
    () => ready.size === processes,
    deadline,
    () => `${ready.size} of ${processes} fleets ready`,
  );

  const cached = (b: Bulletin) => () =>
    ids.every((id) => existsSync(path.join(dataDir, 'agents', id, 'cache', `${b.sha256}.mp3`)));
  const totals = (at: number): Record<string, number | undefined> =>
    server.running.services.proof.report(ids, at, at + 1).totals;
  const played = (at: number) => totals(at).played ?? 0;

  async function runRound(b: Bulletin, cut: boolean) {
    const at = Date.now() + leadMs;
    const { key } = await scheduleOnce(server, b.bulletinId, at, [{ unit: '46' }], '46');
    progress(`${key}: planned in ${leadMs / 1000} s${cut ? `, links cut ${CUT_BEFORE_MS / 1000} s before` : ''}`);
    await until(cached(b), at - (cut ? CUT_BEFORE_MS : 0), () => 'media not prefetched everywhere in time');
    if (cut) {
      await until(
        () => Date.now() >= at - CUT_BEFORE_MS,
        at,
        () => 'cut',
      );
      for (const id of ids) proxy.cut(id);
      progress(`links cut (${proxy.linkCount()} left)`);
    }
    const ended = at + b.durationMs + 15_000;
    await until(
      () => figures(key, at).played + figures(key, at).skipped >= receivers || Date.now() > ended,
      ended + 1_000,
      () => 'starts',
    );
    const result: Record<string, unknown> = figures(key, at);
    const restoredAt = Date.now();
    if (cut) for (const id of ids) proxy.restore(id);
    // Proof of play: after the restore it comes through each agent's reconnect backoff (up to 60 s).
    await until(
      () => played(at) >= receivers,
      Date.now() + 180_000,
      () => `${played(at)} played on the server`,
    ).catch((err: Error) => progress(err.message));
    result.proofPlayed = played(at);
    if (played(at) < receivers) result.proofStatuses = totals(at);
    if (cut) result.proofSecondsAfterRestore = round((Date.now() - restoredAt) / 1000);
    return result;
  }

  const connected = await runRound(bulletins[0], false);
  progress(`connected round: ${JSON.stringify(connected)}`);
  const networkCut = await runRound(bulletins[1], true);
  const fleetRssMb = lines.filter((l) => l.type === 'ready').reduce((s, l) => s + Number(l.rssMb), 0);
  printFigures({
    receivers,
    processes,
    leadS: leadMs / 1000,
    cutBeforeS: CUT_BEFORE_MS / 1000,
    skewMaxMs: Number(values['skew-max-ms']),
    ...connected,
    networkCut,
    fleetRssMb,
  });
} catch (err) {
  progress(`failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  progress('stopping fleets and server');
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null) return undefined;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const kill = setTimeout(() => c.kill('SIGKILL'), 30_000);
      return exited.finally(() => clearTimeout(kill));
    }),
  );
  await proxy.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  await removeTestAudio();
}
process.exit(exitCode);
