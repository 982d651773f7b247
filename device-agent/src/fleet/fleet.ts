import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { type Agent, createAgent, loadAgentConfig, type Player } from '../index.js';
import type { HttpGet } from '../media/http-get.js';
import { readAgentVersion } from '../version.js';
import { createFlakinessDriver, type Flakiness, type FlakinessDriver } from './flakiness.js';
import { createStatsTracker, type FleetStats } from './fleet-stats.js';
import { type LinkProxy, startLinkProxy } from './link-proxy.js';
import { createSimulatedHealth } from './simulated-health.js';
import { createTimerPlayer } from './timer-player.js';

export interface FleetDevice {
  deviceId: string;
  secret: string;
}

export interface FleetOptions {
  devices: readonly FleetDevice[];
  brokerUrl: string;
  /** Each agent keeps its state and media cache in `<dataDir>/<deviceId>`. */
  dataDir: string;
  /** One skew for every agent, or a uniform draw in [-max, +max] per agent. */
  clockSkewMs?: { max: number } | number;
  /** Flaps each agent's MQTT link through a relay (link-proxy.ts); without it agents talk to the broker directly. */
  flakiness?: Flakiness;
  heartbeatIntervalS?: number;
  /** Shared by every agent; default pino at `logLevel` (warn), so 5,000 agents do not flood the terminal. */
  logger?: Logger;
  logLevel?: string;
  /** Bound on how many agents start (and so dial the broker) per second; each gap is jittered. */
  connectsPerS?: number;
  player?: Player;
  random?: () => number;
  /** Shared by every agent for media downloads, e.g. one with bounded concurrency (emergency bench). */
  httpGet?: HttpGet;
}

export interface FleetMember {
  deviceId: string;
  skewMs: number;
  agent: Agent;
}

export interface Fleet {
  /** Starts every agent at the bounded rate; resolves when all were started, not when all are connected. */
  start(): Promise<void>;
  /** Stops every agent (each publishes its offline presence) and the link relay. */
  stop(): Promise<void>;
  stats(): FleetStats;
  members(): readonly FleetMember[];
  /** Resolves once `count` agents (default: all) are connected at the same time. */
  untilConnected(count?: number): Promise<void>;
  /** Changes or (null) ends the flapping; only for a fleet created with `flakiness`. */
  setFlakiness(f: Flakiness | null): void;
}

/** How many agents stop at once: each stop publishes an offline presence and waits for its ack. */
const STOP_CONCURRENCY = 1000;
/** Bound on each step of one agent's stop; with a dead broker, a fleet must still stop in seconds. */
const AGENT_SHUTDOWN_MS = 2000;

function skewFor(opt: FleetOptions['clockSkewMs'], random: () => number): number {
  if (opt === undefined) return 0;
  if (typeof opt === 'number') return opt;
  return Math.round((random() * 2 - 1) * opt.max);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts agents one after another, about `perS` a second with each gap jittered by ±50 %, and never
 * faster than one start per start's own duration. An agent's start opens its outbox database
 * synchronously (milliseconds of fsync on a disk): starting at a fixed rate regardless would starve the
 * event loop, and then the agents already started miss their CONNACKs and keep-alives.
 */
async function startPaced(
  members: readonly FleetMember[],
  perS: number,
  random: () => number,
  stopping: () => boolean,
  start: (m: FleetMember) => Promise<void>,
): Promise<void> {
  const gapMs = 1000 / perS;
  for (const m of members) {
    if (stopping()) return;
    const t0 = performance.now();
    await start(m);
    const took = performance.now() - t0;
    await sleep(Math.max(gapMs * (0.5 + random()) - took, took));
  }
}

async function inBatches<T>(items: readonly T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** What every agent of a fleet shares. */
interface Shared {
  brokerUrl: string;
  agentVersion: string;
  logger: Logger;
  player: Player;
  random: () => number;
}

/** One real agent with its own id, credentials, data folder and (maybe) skewed clock. */
function createMember(d: FleetDevice, opts: FleetOptions, shared: Shared): FleetMember {
  const skewMs = skewFor(opts.clockSkewMs, shared.random);
  const config = loadAgentConfig(
    {
      deviceId: d.deviceId,
      secret: d.secret,
      brokerUrl: shared.brokerUrl,
      dataDir: join(opts.dataDir, d.deviceId),
      heartbeatIntervalS: opts.heartbeatIntervalS ?? 30,
      player: 'null',
      // The timer player never runs ffmpeg; naming it keeps config from looking for a bundled binary.
      ffmpegPath: 'ffmpeg',
      // The agent's own knob for a wrong device clock: it skews every local timestamp, not only ours.
      clockSkewMs: skewMs,
      // A simulated receiver keeps its outbox in memory: no file descriptors, no fsync per start.
      storage: 'memory',
    },
    {},
  );
  const { logger, player, random, agentVersion } = shared;
  const healthProbe = createSimulatedHealth({ agentVersion, now: Date.now, random });
  const agent = createAgent(config, {
    logger,
    player,
    healthProbe,
    random,
    agentVersion,
    shutdownTimeoutMs: AGENT_SHUTDOWN_MS,
    ...(opts.httpGet ? { httpGet: opts.httpGet } : {}),
  });
  return { deviceId: d.deviceId, skewMs, agent };
}

/**
 * Many real agents (createAgent, not a mock) in one process, for load tests, benchmarks and the demo:
 * each has its own device id, credentials, data folder, MQTT connection and optionally a skewed clock
 * and a flapping link. Only what would cost a process per receiver is replaced: the player (a timer,
 * not ffmpeg) and the health probe (simulated readings, not /proc per heartbeat).
 */
export function createFleet(opts: FleetOptions): Fleet {
  const random = opts.random ?? Math.random;
  const logger = opts.logger ?? pino({ level: opts.logLevel ?? 'warn' });
  const player = opts.player ?? createTimerPlayer();
  const tracker = createStatsTracker(opts.devices.length);
  const members: FleetMember[] = [];
  let proxy: LinkProxy | null = null;
  // Created up front so setFlakiness works at any time; it acts through the relay once that runs.
  const flaky: FlakinessDriver | null = opts.flakiness
    ? createFlakinessDriver({
        ids: opts.devices.map((d) => d.deviceId),
        link: { cut: (id) => proxy?.cut(id), restore: (id) => proxy?.restore(id) },
        random,
      })
    : null;
  let wantedFlakiness: Flakiness | null = opts.flakiness ?? null;
  let stopping = false;
  let starting: Promise<void> | null = null;

  async function run(): Promise<void> {
    const agentVersion = `${await readAgentVersion()}+fleet`;
    if (flaky) proxy = await startLinkProxy({ target: opts.brokerUrl });
    const shared = { brokerUrl: proxy?.brokerUrl ?? opts.brokerUrl, agentVersion, logger, player, random };
    for (const d of opts.devices) {
      const m = createMember(d, opts, shared);
      tracker.watch(m.agent, d.deviceId);
      members.push(m);
    }
    await startPaced(
      members,
      opts.connectsPerS ?? 200,
      random,
      () => stopping,
      (m) =>
        m.agent.start().then(tracker.started, (err: unknown) => {
          tracker.startFailed();
          logger.error({ err, deviceId: m.deviceId }, 'simulated receiver did not start');
        }),
    );
    // Flapping starts once every agent has had its first chance to connect.
    if (!stopping) flaky?.set(wantedFlakiness);
  }

  return {
    start() {
      starting ??= run();
      return starting;
    },
    async stop() {
      stopping = true;
      flaky?.set(null);
      await starting?.catch(() => undefined);
      await inBatches(members, STOP_CONCURRENCY, (m) =>
        m.agent.stop().catch((err: unknown) => logger.warn({ err, deviceId: m.deviceId }, 'agent stop failed')),
      );
      await proxy?.close();
    },
    stats: () => tracker.snapshot(flaky?.cuts() ?? 0),
    members: () => members,
    untilConnected: (count = opts.devices.length) => tracker.untilConnected(count),
    setFlakiness(f) {
      if (!flaky) throw new Error('this fleet was created without flakiness: its agents bypass the link relay');
      wantedFlakiness = f;
      if (proxy) flaky.set(f);
    },
  };
}
