#!/usr/bin/env node
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { agentsPerProcess, FDS_PER_RELAYED_LINK, openFileLimit } from './fd-budget.js';
import { createFleet, type Fleet, type FleetDevice } from './fleet.js';
import { FLEET_USAGE, FleetArgsError, type FleetCliArgs, parseFleetArgs } from './fleet-cli-args.js';
import { runFleetChildren } from './fleet-processes.js';
import { parseCredentials, registerFleetDevices } from './fleet-register.js';

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One JSON object per line on stdout, so benchmarks and scripts can read the figures. */
function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function loadDevices(args: FleetCliArgs): Promise<{ devices: FleetDevice[]; broker: string }> {
  if (args.source.kind === 'file') {
    const all = parseCredentials(JSON.parse(await readFile(args.source.path, 'utf8')));
    return { devices: all.slice(0, args.count ?? all.length), broker: args.broker! };
  }
  const { url, token, unit } = args.source;
  const registered = await registerFleetDevices({
    server: url,
    token,
    unitCode: unit,
    count: args.count!,
    onProgress: (n) => console.warn(`registered ${n} of ${args.count} receivers`),
  });
  const broker = args.broker ?? registered[0]?.brokerUrl;
  if (!broker) throw new FleetArgsError('the server returned no broker URL; give --broker');
  return { devices: registered.map(({ deviceId, secret }) => ({ deviceId, secret })), broker };
}

/** Prints one figures line: the fleet's counters, this process's memory and MB per connected agent. */
function statsPrinter(fleet: Fleet, startedAt: number) {
  const baseRssMb = process.memoryUsage().rss / MB;
  return (type: 'stats' | 'ready' | 'final', extra: Record<string, number> = {}) => {
    const mem = process.memoryUsage();
    const s = fleet.stats();
    print({
      type,
      pid: process.pid,
      elapsedS: round((performance.now() - startedAt) / 1000),
      ...s,
      rssMb: round(mem.rss / MB),
      heapUsedMb: round(mem.heapUsed / MB),
      baseRssMb: round(baseRssMb),
      mbPerAgent: s.connected > 0 ? round((mem.rss / MB - baseRssMb) / s.connected, 3) : null,
      ...extra,
    });
  };
}

/** Resolves on SIGINT, SIGTERM, after `durationS`, or when `stopNow` is called. */
function stopSignal(durationS: number | undefined): { stopped: Promise<void>; stopNow: () => void } {
  let stopNow: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stopNow = resolve;
  });
  // `on`, not `once`: with --processes, Ctrl-C reaches a child twice (from the terminal and forwarded by
  // its parent), and a second, unhandled SIGINT would kill it before its agents said goodbye.
  process.on('SIGINT', stopNow);
  process.on('SIGTERM', stopNow);
  if (durationS !== undefined) setTimeout(stopNow, durationS * 1000).unref();
  return { stopped, stopNow };
}

/** Runs the fleet in this process until a signal or --duration-s, printing stats lines. */
async function runHere(args: FleetCliArgs, devices: FleetDevice[], broker: string): Promise<void> {
  const tempDir = args.dataDir ? null : await mkdtemp(join(tmpdir(), 'nguon-fleet-'));
  const startedAt = performance.now();
  const fleet = createFleet({
    devices,
    brokerUrl: broker,
    dataDir: tempDir ?? resolve(args.dataDir!),
    heartbeatIntervalS: args.heartbeatS,
    connectsPerS: args.rate,
    // Logs go to stderr: stdout carries only the JSON figure lines that scripts read.
    logger: pino({ level: args.logLevel }, pino.destination(2)),
    ...(args.skewMaxMs !== undefined ? { clockSkewMs: { max: args.skewMaxMs } } : {}),
    ...(args.flakiness ? { flakiness: args.flakiness } : {}),
  });
  const line = statsPrinter(fleet, startedAt);
  const timer = setInterval(() => line('stats'), args.statsS * 1000);
  const { stopped, stopNow } = stopSignal(args.durationS);
  void fleet
    .untilConnected()
    .then(() => line('ready', { connectSeconds: round((performance.now() - startedAt) / 1000) }));
  fleet.start().catch((err: unknown) => {
    console.error(`the fleet did not start: ${(err as Error).message}`);
    process.exitCode = 1;
    stopNow();
  });
  await stopped;
  clearInterval(timer);
  line('final');
  await fleet.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}

export async function runFleetMain(argv: readonly string[]): Promise<void> {
  let args: FleetCliArgs | 'help';
  try {
    args = parseFleetArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${FLEET_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') return void process.stdout.write(`${FLEET_USAGE}\n`);
  const { devices, broker } = await loadDevices(args);
  const fit = agentsPerProcess(openFileLimit(), args.flakiness ? FDS_PER_RELAYED_LINK : 0);
  const processes = Math.max(args.processes, Math.ceil(devices.length / fit));
  if (processes > args.processes)
    console.warn(`${devices.length} receivers need ${processes} processes: one holds ${fit} under ulimit -n`);
  if (processes > 1) {
    await runFleetChildren({
      args: { ...args, processes },
      devices,
      broker,
      entry: fileURLToPath(import.meta.url),
      print,
    });
  } else {
    await runHere(args, devices, broker);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runFleetMain(process.argv.slice(2)).then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
