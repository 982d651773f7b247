/**
 * One fleet process of `bench:sync-start` (started by sync-start.ts, not by hand): real agents with the
 * timer player and skewed clocks. Prints JSON lines on stdout: `ready` once every agent is connected and
 * knows server time, `start` for each scheduled item an agent started (with the true instant the player
 * was started), `skip` for each it skipped, and `lag` each second (event-loop delay). Stops on SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Player } from '@nguon/device-agent';
import { createFleet, createTimerPlayer, type FleetDevice } from '@nguon/device-agent/fleet';

const { values } = parseArgs({
  options: {
    credentials: { type: 'string' },
    broker: { type: 'string' },
    'data-dir': { type: 'string' },
    'skew-max-ms': { type: 'string', default: '300000' },
    rate: { type: 'string', default: '200' },
    /** `sha256:ms,…` of the bulletins: the timer player then reads no file at the start (see below). */
    durations: { type: 'string', default: '' },
  },
});
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const dataDir = values['data-dir']!;
const devices = JSON.parse(await readFile(values.credentials!, 'utf8')) as FleetDevice[];

/**
 * The instant each receiver's player was started, in true time: every process here reads the same
 * system clock as the server, so Date.now() is server time, whatever skew the agent itself has.
 */
const startedAt = new Map<string, { at: number; perf: number; offsetMs: number }>();
/**
 * The timer player would read each mp3's header at the start: hundreds of file reads completing in the
 * instant every receiver starts would delay the starts of this process, an artefact of simulating many
 * receivers on one event loop (a real one spawns its own decoder). The durations are known up front.
 */
const durations = new Map(
  values.durations
    .split(',')
    .filter(Boolean)
    .map((d) => d.split(':') as [string, string]),
);
const timer = createTimerPlayer({
  durationOf: async (file) => {
    const ms = Number(durations.get(path.basename(file, '.mp3')));
    if (!(ms > 0)) throw new Error(`no duration for ${file}`);
    return ms;
  },
});
/** The agent plays <dataDir>/<deviceId>/cache/<sha256>.mp3: known up front, so no path work at a start. */
const deviceOfFile = new Map<string, string>();
for (const d of devices)
  for (const sha of durations.keys())
    deviceOfFile.set(path.join(dataDir, d.deviceId, 'cache', `${sha}.mp3`), d.deviceId);
const player: Player = {
  play(file, opts) {
    const at = Date.now();
    const perf = performance.now();
    const deviceId = deviceOfFile.get(file) ?? path.basename(path.dirname(path.dirname(file)));
    startedAt.set(deviceId, { at, perf, offsetMs: opts.offsetMs ?? 0 });
    return timer.play(file, opts);
  },
};

const fleet = createFleet({
  devices,
  brokerUrl: values.broker!,
  dataDir,
  clockSkewMs: { max: Number(values['skew-max-ms']) },
  connectsPerS: Number(values.rate),
  heartbeatIntervalS: 30,
  player,
});

const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
const lagTimer = setInterval(() => {
  print({ type: 'lag', at: Date.now(), maxMs: lag.max / 1e6, p99Ms: lag.percentile(99) / 1e6 });
  lag.reset();
}, 1000);

// Garbage-collection pauses long enough to move a start.
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration >= 5) print({ type: 'gc', at: performance.timeOrigin + e.startTime, durationMs: e.duration });
  }
});
gc.observe({ entryTypes: ['gc'] });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(lagTimer);
  await fleet.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await fleet.start();
for (const m of fleet.members()) {
  m.agent.on('playback', (log) => {
    // Scheduled items only: they carry no command id.
    if (log.commandId !== undefined) return;
    if (log.event === 'started') {
      const s = startedAt.get(m.deviceId);
      print({
        type: 'start',
        deviceId: m.deviceId,
        key: log.playId,
        at: s?.at,
        perf: s?.perf,
        offsetMs: s?.offsetMs,
        logged: log.startedAt,
        skewMs: m.skewMs,
      });
    } else if (log.event === 'skipped')
      print({ type: 'skip', deviceId: m.deviceId, key: log.playId, reason: log.reason });
  });
}
await fleet.untilConnected();
// Ready once every agent also knows server time (its first clock sync after connecting).
while (fleet.members().some((m) => m.agent.state().clockOffsetMs === null))
  await new Promise((r) => setTimeout(r, 200));
print({ type: 'ready', agents: devices.length, rssMb: Math.round(process.memoryUsage().rss / 1048576) });
