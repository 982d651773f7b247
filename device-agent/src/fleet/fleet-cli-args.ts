import { parseArgs } from 'node:util';
import type { Flakiness } from './flakiness.js';

export const FLEET_USAGE = `usage: npm run fleet -- [options]
  Runs many simulated receivers (the real agent, with a timer player) in one or more processes.

  Where the receivers come from (one of):
    --credentials FILE     JSON array of {deviceId, secret} (e.g. written by the connect benchmark)
    --server URL --token T --unit CODE
                           registers --count new receivers through the HTTP API (admin token)
  Options:
    --count N              how many receivers (default: all in the file; required with --server)
    --broker URL           mqtt://host:port (default: the brokerUrl the server returns; required with --credentials)
    --processes K          split the receivers over K child processes (default 1). One process holds
                           about 5,000: its file descriptors (ulimit -n) and one CPU core are the limits
    --data-dir DIR         agents' state and media cache (default: a temp folder, removed at exit)
    --heartbeat-s S        heartbeat interval (default 30)
    --rate R               connects per second per process, jittered (default 200)
    --skew-max-ms MS       give each agent a random clock skew in [-MS, +MS]
    --flaky                cut and restore each agent's link at random
    --flaky-up-s S         mean time a link stays up (default 120)
    --flaky-down-s S       mean time a link stays down (default 10)
    --stats-s S            print a JSON stats line every S seconds (default 10)
    --duration-s S         stop after S seconds (default: run until SIGINT or SIGTERM)
    --log-level L          agents' log level (default warn)`;

export interface FleetCliArgs {
  source: { kind: 'file'; path: string } | { kind: 'server'; url: string; token: string; unit: string };
  count: number | undefined;
  broker: string | undefined;
  processes: number;
  dataDir: string | undefined;
  heartbeatS: number;
  rate: number;
  skewMaxMs: number | undefined;
  flakiness: Flakiness | undefined;
  statsS: number;
  durationS: number | undefined;
  logLevel: string;
}

export class FleetArgsError extends Error {
  override name = 'FleetArgsError';
}

const OPTIONS = {
  credentials: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  unit: { type: 'string' },
  count: { type: 'string' },
  broker: { type: 'string' },
  processes: { type: 'string' },
  'data-dir': { type: 'string' },
  'heartbeat-s': { type: 'string' },
  rate: { type: 'string' },
  'skew-max-ms': { type: 'string' },
  flaky: { type: 'boolean' },
  'flaky-up-s': { type: 'string' },
  'flaky-down-s': { type: 'string' },
  'stats-s': { type: 'string' },
  'duration-s': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the command line; lists every problem at once, like the agent's and the server's config. */
export function parseFleetArgs(argv: readonly string[]): FleetCliArgs | 'help' {
  let v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    v = parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values;
  } catch (err) {
    throw new FleetArgsError((err as Error).message);
  }
  if (v.help) return 'help';
  const problems: string[] = [];
  const num = (name: string, raw: string | undefined, min: number, fallback?: number): number | undefined => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) problems.push(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const count = num('count', v.count, 1);
  const source = sourceOf(v, count, problems);
  const args = {
    source,
    count,
    broker: v.broker,
    processes: num('processes', v.processes, 1, 1)!,
    dataDir: v['data-dir'],
    heartbeatS: num('heartbeat-s', v['heartbeat-s'], 1, 30)!,
    rate: num('rate', v.rate, 1, 200)!,
    skewMaxMs: num('skew-max-ms', v['skew-max-ms'], 0),
    flakiness: v.flaky
      ? {
          meanUpS: num('flaky-up-s', v['flaky-up-s'], 0.1, 120)!,
          meanDownS: num('flaky-down-s', v['flaky-down-s'], 0.1, 10)!,
        }
      : undefined,
    statsS: num('stats-s', v['stats-s'], 0.1, 10)!,
    durationS: num('duration-s', v['duration-s'], 0),
    logLevel: v['log-level'] ?? 'warn',
  };
  if (v.broker !== undefined && !/^mqtts?:\/\/[^/\s]+$/.test(v.broker))
    problems.push('--broker must look like mqtt://host:port');
  if (source?.kind === 'file' && !v.broker) problems.push('--broker is required with --credentials');
  if (!Number.isInteger(args.processes)) problems.push('--processes must be a whole number');
  if (problems.length > 0 || !source) throw new FleetArgsError(problems.join('\n'));
  return { ...args, source };
}

function sourceOf(
  v: { credentials?: string; server?: string; token?: string; unit?: string },
  count: number | undefined,
  problems: string[],
): FleetCliArgs['source'] | undefined {
  if (v.credentials && v.server) problems.push('give either --credentials or --server, not both');
  if (v.credentials) return { kind: 'file', path: v.credentials };
  if (v.server) {
    if (!v.token) problems.push('--server needs --token (an admin API token)');
    if (!v.unit) problems.push('--server needs --unit (the unit code the receivers belong to)');
    if (count === undefined) problems.push('--server needs --count');
    return { kind: 'server', url: v.server.replace(/\/$/, ''), token: v.token ?? '', unit: v.unit ?? '' };
  }
  problems.push('give --credentials FILE or --server URL');
  return undefined;
}
