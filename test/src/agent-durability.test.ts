import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command, encodeForDevice, type Heartbeat, type Reply, topics } from '@nguon/protocols';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { makeTone, removeTestAudio } from './support/audio.js';
import {
  type RegisteredDevice,
  registerDevice,
  sameAddressEnv,
  startTestServer,
  type TestServer,
} from './support/server.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { uploadFile } from './support/upload.js';

interface Log {
  id: string;
  event: string;
  playId: string;
  reason: string | null;
}

const WAIT = { timeout: 45_000, interval: 100 };
const ENDINGS = ['finished', 'interrupted', 'stopped'];

/**
 * Issue 5, item 9: the real agent in its own process against the real server, broker and SQLite, with
 * the parts that fail in the field failing for real: kill -9, a server that goes away, junk on the wire,
 * a receiver clock five minutes off.
 */
describe('device agent durability', () => {
  let server: TestServer;
  let shortSha = '';
  let longSha = '';
  const agents: AgentProcess[] = [];
  const replies: Array<{ deviceId: string; reply: Reply }> = [];
  const heartbeats: Array<{ deviceId: string; hb: Heartbeat }> = [];
  const scratch: string[] = [];

  /** Collects replies and heartbeats on the server's own MQTT client, for whichever server runs. */
  const listen = (s: TestServer) => {
    s.running.mqtt.on('reply', ({ deviceId, message }) => deviceId && replies.push({ deviceId, reply: message }));
    s.running.mqtt.on('heartbeat', ({ deviceId, message }) => deviceId && heartbeats.push({ deviceId, hb: message }));
  };

  beforeAll(async () => {
    server = await startTestServer();
    listen(server);
    const upload = async (seconds: number) => {
      const up = await uploadFile(server, await makeTone({ seconds, format: 'wav' }), `t${seconds}.wav`);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      return (up.body as { sha256: string }).sha256;
    };
    shortSha = await upload(3);
    longSha = await upload(5);
  });
  afterAll(async () => {
    for (const a of agents) await a.kill('SIGKILL');
    await server?.close();
    await rm(server?.dataDir ?? '', { recursive: true, force: true });
    for (const dir of [...scratch, ...agents.map((a) => a.dir)]) await rm(dir, { recursive: true, force: true });
    await removeTestAudio();
  });

  async function startAgent(device: Omit<RegisteredDevice, 'deviceId'> & { deviceId: string }, extra = {}) {
    const agent = await spawnAgent({
      deviceId: device.deviceId,
      secret: device.secret,
      brokerUrl: device.brokerUrl,
      player: 'null',
      heartbeatIntervalS: 1,
      ...extra,
    });
    agents.push(agent);
    await waitOnline(device.deviceId, agent);
    return agent;
  }

  async function waitOnline(deviceId: string, agent: AgentProcess) {
    await vi.waitFor(async () => {
      const res = await server.api<{ status: { online: boolean } | null }>('GET', `/api/v1/devices/${deviceId}`);
      expect(res.body.status?.online, `agent output:\n${agent.output().slice(-3000)}`).toBe(true);
    }, WAIT);
  }

  const logsOf = async (deviceId: string) =>
    (await server.api<{ logs: Log[] }>('GET', `/api/v1/devices/${deviceId}/logs?limit=1000`)).body.logs;

  /** Waits for the agent's own line saying this playback event is on its disk. */
  const waitPlayback = (agent: AgentProcess, playId: string, event: string) =>
    vi.waitFor(() => {
      const line = agent.lines().find((l) => l.msg === 'playback' && l.playId === playId && l.event === event);
      expect(line, `agent output:\n${agent.output().slice(-3000)}`).toBeDefined();
    }, WAIT);

  const play = async (deviceId: string, sha256: string) => {
    const res = await server.api<{ playId: string }>('POST', `/api/v1/devices/${deviceId}/play`, { sha256 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.playId;
  };

  const command = async (deviceId: string, body: Record<string, unknown>, expiresInMs = 30_000) => {
    const id = randomUUID();
    const ts = Date.now();
    await server.running.mqtt.publish(
      encodeForDevice('command', deviceId, { v: 1, id, ts, expiresAt: ts + expiresInMs, ...body } as Command),
    );
    return id;
  };
  const replyTo = (id: string) =>
    vi.waitFor(() => {
      const r = replies.find((x) => x.reply.id === id);
      expect(r, `no reply to ${id}`).toBeDefined();
      return r!.reply;
    }, WAIT);

  it('(a) kill -9 while logs are in flight: after the restart every log is on the server exactly once', async () => {
    const device = await registerDevice(server, '19753', 'Loa kill -9');
    // The agent reaches the broker through a relay that can lose its packets on the way.
    const proxy = await startTcpProxy(server.running.broker!.port);
    let agent = await startAgent({ ...device, brokerUrl: `mqtt://127.0.0.1:${proxy.port}` });
    // A command id seen before the crash must still be refused afterwards.
    const before = await command(device.deviceId, { type: 'reportNow' });
    expect(await replyTo(before)).toMatchObject({ ok: true });

    const playIds: string[] = [];
    const playAndWait = async () => {
      const playId = await play(device.deviceId, shortSha);
      playIds.push(playId);
      await waitPlayback(agent, playId, 'started');
    };
    await playAndWait();
    await playAndWait();
    // From here the agent's publishes never arrive: its logs are written, sent, and not acknowledged.
    proxy.blackHoleUpstream();
    for (let i = 0; i < 4; i++) await playAndWait();
    await agent.kill('SIGKILL');

    // Restarted, it reconnects through the relay on a fresh connection, which carries its packets again.
    agent = await agent.respawn();
    agents.push(agent);
    const started = await vi.waitFor(() => {
      const line = agent.lines().find((l) => l.event === 'agentStarted');
      expect(line).toBeDefined();
      return line?.data as { pendingAtStart: number; recoveredPlays: number };
    }, WAIT);
    // At least the four `started` logs were on disk, unacknowledged, when the process died.
    expect(started.pendingAtStart).toBeGreaterThanOrEqual(4);
    expect(started.recoveredPlays).toBeGreaterThanOrEqual(1);

    const logs = await vi.waitFor(async () => {
      const mine = (await logsOf(device.deviceId)).filter((l) => playIds.includes(l.playId));
      for (const playId of playIds) {
        const events = mine.filter((l) => l.playId === playId).map((l) => l.event);
        expect(
          events.filter((e) => e === 'started'),
          `${playId}: ${events}`,
        ).toHaveLength(1);
        expect(
          events.filter((e) => ENDINGS.includes(e)),
          `${playId}: ${events}`,
        ).toHaveLength(1);
      }
      return mine;
    }, WAIT);
    expect(logs).toHaveLength(2 * playIds.length);
    expect(new Set(logs.map((l) => l.id)).size).toBe(logs.length);
    // Nothing but the restart could end the last one: its ending was logged from the disk journal.
    const last = logs.find((l) => l.playId === playIds.at(-1) && l.event !== 'started');
    expect(last).toMatchObject({ event: 'interrupted', reason: expect.stringContaining('abruptly') });

    const ts = Date.now();
    await server.running.mqtt.publish(
      encodeForDevice('command', device.deviceId, { v: 1, id: before, ts, expiresAt: ts + 30_000, type: 'reportNow' }),
    );
    await vi.waitFor(() => {
      // A reply is itself sent at least once: count each replyId once.
      const answers = new Map(replies.filter((r) => r.reply.id === before).map((r) => [r.reply.replyId, r.reply]));
      expect([...answers.values()].map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'duplicate']);
    }, WAIT);
    await agent.stop();
    await proxy.close();
  });

  it('(b) the server goes away: the agent keeps playing and logging, and everything arrives afterwards', async () => {
    const device = await registerDevice(server, '19753', 'Loa mất máy chủ');
    const hooks = await mkdtemp(path.join(tmpdir(), 'nguon-hooks-'));
    scratch.push(hooks);
    const agent = await startAgent(device, {
      fmFallbackDelayS: 1,
      fmRestoreDelayS: 1,
      hooks: { fmOn: `touch ${hooks}/fm-on`, fmOff: `touch ${hooks}/fm-off` },
    });
    const playId = await play(device.deviceId, longSha);
    await vi.waitFor(async () => {
      expect((await logsOf(device.deviceId)).map((l) => l.event)).toContain('started');
    }, WAIT);

    const env = sameAddressEnv(server);
    await server.running.close();
    // Offline: the bulletin plays to its end, its log waits on disk, FM takes over.
    await waitPlayback(agent, playId, 'finished');
    await vi.waitFor(() => expect(existsSync(`${hooks}/fm-on`)).toBe(true), WAIT);
    expect(agent.lines().some((l) => l.event === 'fmFallbackOn')).toBe(true);

    server = await startTestServer(env);
    listen(server);
    await vi.waitFor(async () => {
      const events = (await logsOf(device.deviceId)).filter((l) => l.playId === playId).map((l) => l.event);
      expect(events.sort()).toEqual(['finished', 'started']);
    }, WAIT);
    await vi.waitFor(() => expect(existsSync(`${hooks}/fm-off`)).toBe(true), WAIT);
    // The agent's own account: nothing left in its outbox, FM off again.
    await vi.waitFor(() => {
      const last = heartbeats.filter((h) => h.deviceId === device.deviceId).at(-1)?.hb.health;
      expect(last).toMatchObject({ outboxPending: 0, outboxFull: false, fmActive: false });
    }, WAIT);
    expect(agent.child.exitCode).toBeNull();
    await agent.stop();
  }, 120_000); // the agent's reconnect backoff (up to 60 s) runs through the outage

  it('(c) junk and refused commands are answered or dropped, and the agent keeps running', async () => {
    const device = await registerDevice(server, '19753', 'Loa rác');
    const agent = await startAgent(device);
    const topic = topics.deviceCommand(device.deviceId);
    for (const junk of ['{nope', '{"v":1,"type":"play"}', '\u0000\u00ff']) {
      await server.running.mqtt.publish({ topic, payload: Buffer.from(junk), qos: 1, retain: false });
    }
    const expired = await command(device.deviceId, { type: 'setVolume', volume: 10 }, -60_000);
    // No amplifier hook on this receiver.
    const unsupported = await command(device.deviceId, { type: 'amplifier', on: true });
    const reboot = await command(device.deviceId, { type: 'reboot' });
    expect(await replyTo(expired)).toMatchObject({ ok: false, error: { code: 'expired' } });
    expect(await replyTo(unsupported)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await replyTo(reboot)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    await vi.waitFor(() => {
      const dropped = agent
        .lines()
        .filter((l) => l.msg === 'dropped a message')
        .map((l) => l.code);
      expect(dropped).toEqual(['not_json', 'invalid', 'not_json']);
    }, WAIT);
    const seen = heartbeats.filter((h) => h.deviceId === device.deviceId).length;
    await vi.waitFor(() => {
      expect(heartbeats.filter((h) => h.deviceId === device.deviceId).length).toBeGreaterThanOrEqual(seen + 2);
    }, WAIT);
    expect(agent.child.exitCode).toBeNull();
    await agent.stop();
  });

  it.each([
    ['ahead', 5 * 60_000],
    ['behind', -5 * 60_000],
  ])('(d) a receiver clock 5 minutes %s judges expiry in server time', async (_name, clockSkewMs) => {
    const device = await registerDevice(server, '19753', `Loa lệch ${clockSkewMs}`);
    const agent = await startAgent(device, { clockSkewMs });
    await vi.waitFor(() => {
      const offset = heartbeats.filter((h) => h.deviceId === device.deviceId).at(-1)?.hb.health.clockOffsetMs;
      expect(offset).toBeTypeOf('number');
      expect(Math.abs((offset ?? 0) + clockSkewMs)).toBeLessThan(1_000);
    }, WAIT);
    // By its own clock the agent would accept the stale one (behind) or refuse the fresh one (ahead).
    const fresh = await command(device.deviceId, { type: 'reportNow' }, 60_000);
    const stale = await command(device.deviceId, { type: 'reportNow' }, -60_000);
    expect(await replyTo(fresh)).toMatchObject({ ok: true });
    expect(await replyTo(stale)).toMatchObject({ ok: false, error: { code: 'expired' } });
    await agent.stop();
  });
});
