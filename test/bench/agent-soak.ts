/**
 * `npm run bench:agent-soak [-- --cycles 1000 --active-s 300 --idle-s 60 --kick-every-s 20 --runner bundle]`
 *
 * One real agent process (the production bundle with nguon-agent.service's Node flags and environment
 * by default, or from source through tsx; the `null` player: a real ffmpeg decode per play, at
 * real-time pace) against a real server in this process. It plays many short bulletins, is kicked off the broker now and then (it must
 * reconnect by itself), then idles; its RSS and CPU come from /proc. Prints one JSON line. The memory
 * trend is the slope (MB/hour) over the second half of the run, of every sample and of the floor (the
 * lowest RSS of each 15-s window, i.e. after garbage collection), which is what a leak raises. Only
 * 127.0.0.1 traffic; every wait is bounded.
 */
import { parseArgs } from 'node:util';
import { unitLaunch } from '@nguon/device-agent/bundle';
import type { RunningServer } from '@nguon/server';
import { makeTone, removeTestAudio } from '../src/support/audio.js';
import { type AgentRunner, runAgent } from './support/agent-runner.js';
import { uploadAsAdmin } from './support/bench-api.js';
import { BENCH_ADMIN_PASSWORD, startBenchServer } from './support/bench-server.js';
import { printFigures, progress, round, slope } from './support/figures.js';
import { cpuPercent, type ProcSample, startSampler } from './support/proc.js';
import { type ServerEvents, watchServerEvents } from './support/server-events.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '1000' },
    'active-s': { type: 'string', default: '300' },
    'idle-s': { type: 'string', default: '60' },
    'kick-every-s': { type: 'string', default: '20' },
    'heartbeat-s': { type: 'string', default: '30' },
    runner: { type: 'string', default: 'bundle' },
  },
});
const runner = values.runner as AgentRunner;

interface Soak {
  running: RunningServer;
  events: ServerEvents;
  deviceId: string;
  sha256: string;
  session: string;
}

/**
 * Plays bulletins one after another until the count or the time budget is used up. Every
 * `kick-every-s` the broker drops the agent; the next play waits for its new session.
 */
async function playCycles(s: Soak): Promise<{ cycles: number; failures: number; reconnects: number }> {
  const out = { cycles: 0, failures: 0, reconnects: 0 };
  const startedAt = performance.now();
  let lastKick = startedAt;
  while (out.cycles < Number(values.cycles) && performance.now() - startedAt < Number(values['active-s']) * 1000) {
    if (performance.now() - lastKick >= Number(values['kick-every-s']) * 1000) {
      const old = s.session;
      const back = s.events.presence((p) => p.state === 'online' && p.session !== old, 120_000, 'a reconnect');
      s.running.broker?.disconnect(s.deviceId);
      s.session = (await back).session;
      out.reconnects++;
      lastKick = performance.now();
    }
    const { playId } = await s.running.services.commands.playNow(s.deviceId, { sha256: s.sha256 }, null);
    const end = await s.events
      .playbackLog((l) => l.playId === playId && l.event !== 'started', 30_000, `the end of play ${playId}`)
      .catch(() => null);
    if (end?.event === 'finished') out.cycles++;
    else out.failures++;
  }
  return out;
}

function figures(active: ProcSample[], idle: ProcSample[]): Record<string, number> {
  const all = [...active, ...idle];
  const half = all.slice(Math.floor(all.length / 2));
  const mb = (s: ProcSample) => s.rssKb / 1024;
  const anonMb = (s: ProcSample) => s.rssAnonKb / 1024;
  const mbPerMs = slope(
    half.map((s) => s.atMs),
    half.map(mb),
  );
  const windows = new Map<number, ProcSample>();
  for (const s of half) {
    const w = Math.floor(s.atMs / 15_000);
    if (!windows.has(w) || windows.get(w)!.rssKb > s.rssKb) windows.set(w, s);
  }
  const floors = [...windows.values()];
  const floorMbPerMs = slope(
    floors.map((s) => s.atMs),
    floors.map(mb),
  );
  return {
    activeSeconds: round((active.at(-1)!.atMs - active[0]!.atMs) / 1000),
    rssStartMb: round(mb(all[0]!)),
    rssEndMb: round(mb(all.at(-1)!)),
    rssMaxMb: round(Math.max(...all.map(mb))),
    rssSlopeMbPerHour: round(mbPerMs * 3_600_000, 2),
    rssFloorSlopeMbPerHour: round(floorMbPerMs * 3_600_000, 2),
    // Without the node binary's shared, file-backed pages: what this agent itself allocates.
    rssAnonEndMb: round(anonMb(all.at(-1)!)),
    rssAnonMaxMb: round(Math.max(...all.map(anonMb))),
    activeCpuPct: round(cpuPercent(active[0]!, active.at(-1)!), 2),
    idleSeconds: round((idle.at(-1)!.atMs - idle[0]!.atMs) / 1000),
    idleCpuPct: round(cpuPercent(idle[0]!, idle.at(-1)!), 2),
  };
}

async function main(running: RunningServer): Promise<void> {
  const events = watchServerEvents(running);
  const unit = running.services.units.byCode('19753');
  if (!unit) throw new Error('demo commune 19753 missing');
  const { device, secret } = running.services.devices.register({ unitId: unit.id, name: 'Máy thử bền' });
  const media = await uploadAsAdmin(running.url, BENCH_ADMIN_PASSWORD, await makeTone({ seconds: 0.5, format: 'wav' }));
  const online = events.presence((p) => p.state === 'online', 60_000, 'the agent online');
  const config = { deviceId: device.id, secret, brokerUrl: running.brokerUrl, player: 'null', logLevel: 'warn' };
  const agent = await runAgent({ ...config, heartbeatIntervalS: Number(values['heartbeat-s']) }, runner);
  try {
    const soak = { running, events, deviceId: device.id, sha256: media.sha256, session: (await online).session };
    const sampler = startSampler(agent.child.pid!, 1000);
    progress(`agent ${agent.child.pid} online; playing up to ${values.cycles} bulletins of ${media.durationMs} ms`);
    const counts = await playCycles(soak);
    const activeEnd = sampler.samples.length;
    progress(`${counts.cycles} plays, ${counts.reconnects} reconnects; idling ${values['idle-s']} s`);
    await new Promise((r) => setTimeout(r, Number(values['idle-s']) * 1000));
    sampler.stop();
    const samples = sampler.samples;
    printFigures({
      player: 'null (ffmpeg decode, real time)',
      runner,
      nodeFlags: runner === 'bundle' ? (await unitLaunch()).flags.join(' ') : 'tsx',
      ...counts,
      ...figures(samples.slice(0, activeEnd), samples.slice(activeEnd - 1)),
    });
  } finally {
    await agent.stop();
  }
}

const server = await startBenchServer();
try {
  await main(server.running);
} finally {
  await server.close();
  await removeTestAudio();
}
process.exit(0);
