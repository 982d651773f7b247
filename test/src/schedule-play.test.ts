import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type LinkProxy, startLinkProxy } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { removeTestAudio } from './support/audio.js';
import { approvedBulletin, type Bulletin, reportItem, scheduleOnce } from './support/schedule.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

interface Log {
  event: string;
  playId: string;
  startedAt: number | null;
  endedAt: number | null;
  reason: string | null;
}

/** Far enough ahead for the agent to get the playlist and prefetch; short enough for a test. */
const LEAD_MS = 25_000;
/** How close to the planned instant, in server time, a start must be. */
const ON_TIME_MS = 200;
const WAIT = { timeout: 90_000, interval: 100 };

/**
 * Issue 6: the programme plays on time in server time from the receiver's own cache, with the network
 * up or down, across a kill -9 and with a wrong device clock. Real server, broker, SQLite, the real agent
 * process with the `null` player (real ffmpeg decoding at real-time pace), real transcoded audio.
 */
describe('scheduled playback on the receiver', () => {
  let server: TestServer;
  let short: Bulletin;
  let long: Bulletin;
  const agents: AgentProcess[] = [];
  const proxies: LinkProxy[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    short = await approvedBulletin(server, 4);
    long = await approvedBulletin(server, 12);
  });
  afterAll(async () => {
    for (const a of agents) await a.kill('SIGKILL');
    for (const p of proxies) await p.close();
    await server?.close();
    for (const a of agents) await rm(a.dir, { recursive: true, force: true });
    await removeTestAudio();
  });

  async function startAgent(name: string, extra: Record<string, unknown> = {}, viaProxy = false) {
    const device = await registerDevice(server, '19753', name);
    let brokerUrl = device.brokerUrl;
    let proxy: LinkProxy | null = null;
    if (viaProxy) {
      proxy = await startLinkProxy({ target: device.brokerUrl });
      proxies.push(proxy);
      brokerUrl = proxy.brokerUrl;
    }
    const agent = await spawnAgent({ ...device, brokerUrl, player: 'null', heartbeatIntervalS: 2, ...extra });
    agents.push(agent);
    await waitOnline(device.deviceId, agent, true);
    return { device, agent, proxy };
  }

  const waitOnline = (deviceId: string, agent: AgentProcess, online: boolean) =>
    vi.waitFor(async () => {
      const res = await server.api<{ status: { online: boolean } | null }>('GET', `/api/v1/devices/${deviceId}`);
      expect(res.body.status?.online ?? false, `agent output:\n${agent.output().slice(-3000)}`).toBe(online);
    }, WAIT);

  const cached = (agent: AgentProcess, sha256: string) => path.join(agent.dir, 'data', 'cache', `${sha256}.mp3`);

  /** Waits for the media in the agent's cache and checks it came before the item's instant. */
  async function waitPrefetched(agent: AgentProcess, sha256: string, at: number) {
    await vi.waitFor(() => expect(existsSync(cached(agent, sha256)), agent.output().slice(-3000)).toBe(true), WAIT);
    expect(Date.now()).toBeLessThan(at);
  }

  const waitReport = (deviceId: string, key: string, status: string) =>
    vi.waitFor(async () => {
      const item = await reportItem(server, deviceId, key);
      expect(item?.status).toBe(status);
      return item!;
    }, WAIT);

  const logsOf = async (deviceId: string, key: string) =>
    (await server.api<{ logs: Log[] }>('GET', `/api/v1/devices/${deviceId}/logs?limit=1000`)).body.logs.filter(
      (l) => l.playId === key,
    );

  const agentLine = (agent: AgentProcess, msg: string, key: string) =>
    vi.waitFor(() => {
      const line = agent.lines().find((l) => l.msg === msg && l.key === key);
      expect(line, agent.output().slice(-3000)).toBeDefined();
      return line!;
    }, WAIT);

  it('(a) prefetches ahead and plays on time; the server records it played', async () => {
    const { device, agent } = await startAgent('Loa lịch phát');
    const at = Date.now() + LEAD_MS;
    const { key } = await scheduleOnce(server, short.bulletinId, at, [{ unit: '19753' }]);
    await waitPrefetched(agent, short.sha256, at);
    const item = await waitReport(device.deviceId, key, 'played');
    expect(item.plannedStart).toBe(at);
    expect(Math.abs((item.startedAt ?? 0) - at)).toBeLessThan(ON_TIME_MS);
    await vi.waitFor(
      async () =>
        expect((await logsOf(device.deviceId, key)).map((l) => l.event).sort()).toEqual(['finished', 'started']),
      WAIT,
    );
    await agent.stop();
  }, 120_000);

  it('(b) plays on time from its cache with the network cut, and the proof arrives once it is back', async () => {
    const { device, agent, proxy } = await startAgent('Loa mất mạng', {}, true);
    const at = Date.now() + LEAD_MS;
    const { key } = await scheduleOnce(server, short.bulletinId, at, [{ device: device.deviceId }]);
    await waitPrefetched(agent, short.sha256, at);
    proxy!.cut(device.deviceId);
    await waitOnline(device.deviceId, agent, false);
    expect(Date.now()).toBeLessThan(at);

    // Offline: its own log says it played, and the server has nothing yet.
    const line = await agentLine(agent, 'scheduled item started', key);
    expect(line).toMatchObject({ how: 'on time', offsetMs: 0 });
    await vi.waitFor(() => {
      const done = agent.lines().some((l) => l.msg === 'playback' && l.playId === key && l.event === 'finished');
      expect(done, agent.output().slice(-3000)).toBe(true);
    }, WAIT);
    expect((await reportItem(server, device.deviceId, key))?.status).toBe('planned');

    proxy!.restore(device.deviceId);
    const item = await waitReport(device.deviceId, key, 'played');
    expect(Math.abs((item.startedAt ?? 0) - at)).toBeLessThan(ON_TIME_MS);
    await agent.stop();
  }, 180_000); // the agent's reconnect backoff (up to 60 s) runs through the outage

  it('(c) kill -9 in the middle: the respawned agent resumes where the item has got to, never from the start', async () => {
    let { device, agent } = await startAgent('Loa kill -9');
    const at = Date.now() + LEAD_MS;
    const { key } = await scheduleOnce(server, long.bulletinId, at, [{ device: device.deviceId }]);
    await waitPrefetched(agent, long.sha256, at);
    // The `started` log is on the server: the item is well under way.
    await vi.waitFor(
      async () => expect((await logsOf(device.deviceId, key)).map((l) => l.event)).toContain('started'),
      WAIT,
    );
    await agent.kill('SIGKILL');
    expect(Date.now()).toBeLessThan(at + long.durationMs - 5_000);

    agent = await agent.respawn();
    agents.push(agent);
    const resumed = await agentLine(agent, 'scheduled item started', key);
    expect(resumed).toMatchObject({ how: 'resumed' });
    expect(resumed.offsetMs).toBeGreaterThan(0);

    const item = await waitReport(device.deviceId, key, 'played');
    // The logs are written in batches: wait for the ending to be stored too.
    const logs = await vi.waitFor(async () => {
      const found = await logsOf(device.deviceId, key);
      expect(found.map((l) => l.event)).toContain('finished');
      return found;
    }, WAIT);
    // One playback on record: the `started` from before the crash and the ending after the resume.
    expect(logs.map((l) => l.event).sort()).toEqual(['finished', 'started']);
    const finished = logs.find((l) => l.event === 'finished')!;
    expect(finished.reason).toMatch(/^resumed at \d+\.\d s into the item after the agent restarted$/);
    expect(finished.startedAt).toBe(item.startedAt);
    expect(Math.abs((item.startedAt ?? 0) - at)).toBeLessThan(ON_TIME_MS);
    // It ended when the programme said, not a restart's worth of time later (a replay from the start).
    expect((finished.endedAt ?? 0) - at).toBeLessThan(long.durationMs + 1_500);
    await agent.stop();
  }, 180_000);

  it.each([
    ['ahead', 5 * 60_000],
    ['behind', -5 * 60_000],
  ])(
    '(d) a device clock 5 minutes %s still starts on time in server time',
    async (_name, clockSkewMs) => {
      const { device, agent } = await startAgent(`Loa lệch ${clockSkewMs}`, { clockSkewMs });
      const at = Date.now() + LEAD_MS;
      const { key } = await scheduleOnce(server, short.bulletinId, at, [{ device: device.deviceId }]);
      const item = await waitReport(device.deviceId, key, 'played');
      expect(Math.abs((item.startedAt ?? 0) - at)).toBeLessThan(ON_TIME_MS);
      // The agent's own clock is minutes off; what it logged is server time.
      const started = await agentLine(agent, 'scheduled item started', key);
      expect(started).toMatchObject({ how: 'on time' });
      await agent.stop();
    },
    120_000,
  );
});
