import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { makeTone, removeTestAudio } from './support/audio.js';
import { startEmergency, WAIT, waitReach, waitState } from './support/emergency.js';
import { approvedBulletin, type Bulletin, scheduleOnce } from './support/schedule.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

/** A port nobody listens on: a stream URL that does not answer. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Issue 7: a real server, broker and SQLite, the real agent process (null player: real ffmpeg decoding
 * at real-time pace), real transcoded audio. Interrupting the schedule, repeat, stop, a dead stream,
 * and a receiver that was offline at the start.
 */
describe('emergency on real receivers', () => {
  let server: TestServer;
  let programme: Bulletin;
  let alarm: { sha256: string; durationMs: number };
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    programme = await approvedBulletin(server, 60);
    const up = await uploadFile(server, await makeTone({ seconds: 2, format: 'wav' }), 'bao-khan.wav');
    expect(up.status).toBe(201);
    alarm = up.body as { sha256: string; durationMs: number };
  }, 120_000);
  afterAll(async () => {
    for (const a of agents) await a.kill('SIGKILL');
    await server?.close();
    for (const a of agents) await rm(a.dir, { recursive: true, force: true });
    await removeTestAudio();
  });

  const waitOnline = (device: RegisteredDevice, agent: AgentProcess, online: boolean) =>
    vi.waitFor(async () => {
      const res = await server.api<{ status: { online: boolean } | null }>('GET', `/api/v1/devices/${device.deviceId}`);
      expect(res.body.status?.online ?? false, agent.output().slice(-3000)).toBe(online);
    }, WAIT);

  async function startAgent(unitCode: string) {
    const device = await registerDevice(server, unitCode, `Loa khẩn ${unitCode}`);
    const agent = await spawnAgent({ ...device, player: 'null', heartbeatIntervalS: 2 });
    agents.push(agent);
    await waitOnline(device, agent, true);
    return { device, agent };
  }

  const serverLogs = async (deviceId: string) =>
    (
      await server.api<{ logs: Array<{ playId: string; event: string; playedMs: number | null }> }>(
        'GET',
        `/api/v1/devices/${deviceId}/logs?limit=1000`,
      )
    ).body.logs;
  /** A play log, once it has reached the server (through the agent's outbox and the batched ingest). */
  const serverLog = (deviceId: string, playId: string, event: string) =>
    vi.waitFor(async () => {
      const log = (await serverLogs(deviceId)).find((l) => l.playId === playId && l.event === event);
      expect(log).toBeDefined();
      return log;
    }, WAIT);

  const plays = (agent: AgentProcess, playId: string, event: string) =>
    agent.lines().filter((l) => l.msg === 'playback' && l.playId === playId && l.event === event);
  const waitPlays = (agent: AgentProcess, playId: string, event: string, count = 1) =>
    vi.waitFor(() => {
      const found = plays(agent, playId, event);
      expect(found.length, agent.output().slice(-3000)).toBeGreaterThanOrEqual(count);
      return found;
    }, WAIT);

  it('interrupts the schedule, plays N times, stops on command, fails over a dead stream; the schedule resumes each time', async () => {
    const { agent, device } = await startAgent('19753');
    const at = Date.now() + 12_000;
    const { key } = await scheduleOnce(server, programme.bulletinId, at, [{ unit: '19753' }]);
    await waitPlays(agent, key, 'started');

    // 1. The file twice, to the end: the scheduled item is interrupted by it, then joins again.
    const a = await startEmergency(server, {
      targets: { units: ['19753'] },
      source: { kind: 'media', sha256: alarm.sha256 },
      repeat: 2,
      volume: 90,
    });
    expect(a.targeted).toBe(1);
    expect(a.emergency.approvedOnSend).toBe(true);
    const [interrupted] = await waitPlays(agent, key, 'interrupted');
    expect(String(interrupted!.reason)).toContain(`emergency live play ${a.emergency.id}`);
    const { reach } = await waitReach(server, a.emergency.id, (r) => expect(r.finished).toBe(1));
    expect(reach).toMatchObject({ targeted: 1, received: 1, started: 1, failed: 0, offline: 0 });
    expect(reach.latencyMs.received.max).toBeGreaterThanOrEqual(0);
    expect(reach.latencyMs.started.p50).toBeLessThan(10_000);
    await waitPlays(agent, a.emergency.id, 'finished');
    const done = await serverLog(device.deviceId, a.emergency.id, 'finished');
    expect(done?.playedMs).toBeGreaterThan(2 * alarm.durationMs * 0.9);
    await waitPlays(agent, key, 'started', 2);

    // 2. A long one, stopped by the operator: the schedule resumes at once.
    const b = await startEmergency(server, {
      targets: { units: ['19753'] },
      source: { kind: 'media', sha256: alarm.sha256 },
      repeat: 20,
    });
    await waitReach(server, b.emergency.id, (r) => expect(r.started).toBe(1));
    await waitPlays(agent, key, 'interrupted', 2);
    const stop = await server.api('POST', `/api/v1/emergencies/${b.emergency.id}/stop`, { reason: 'hết nguy hiểm' });
    expect(stop.status).toBe(200);
    await waitReach(server, b.emergency.id, (r, e) => {
      expect(e.state).toBe('stopped');
      expect(r.finished).toBe(1);
    });
    await waitPlays(agent, b.emergency.id, 'stopped');
    const stopped = await serverLog(device.deviceId, b.emergency.id, 'stopped');
    expect(stopped?.playedMs).toBeLessThan(20 * alarm.durationMs);
    await waitPlays(agent, key, 'started', 3);

    // 3. A stream URL that does not answer: reported failed, and the schedule takes over again.
    const c = await startEmergency(server, {
      targets: { units: ['19753'] },
      source: { kind: 'stream', url: `http://127.0.0.1:${await deadPort()}/live.mp3` },
    });
    const failed = await waitReach(server, c.emergency.id, (r) => expect(r.failed).toBe(1));
    expect(failed.reach.failures[0]?.reason).toContain('stream failed');
    expect(failed.reach.started).toBe(0);
    await waitPlays(agent, key, 'started', 4);

    // Every start and stop is on record, with what it aired and whether that was approved beforehand.
    const audit = await server.api<{ entries: Array<{ action: string; targetId: string; details: unknown }> }>(
      'GET',
      '/api/v1/audit?limit=100',
    );
    const starts = audit.body.entries.filter((e) => e.action.includes('POST /api/v1/emergencies'));
    expect(starts.find((e) => e.targetId === a.emergency.id)?.details).toMatchObject({ approvedOnSend: true });
    expect(audit.body.entries.some((e) => e.action.includes('/stop') && e.targetId === b.emergency.id)).toBe(true);
    await agent.stop();
  }, 240_000);

  it('a receiver offline at the start joins when it comes back while valid, and not after expiry', async () => {
    let { device, agent } = await startAgent('19774');
    await agent.stop();
    await waitOnline(device, agent, false);

    const e = await startEmergency(server, {
      targets: { units: ['19774'] },
      source: { kind: 'media', sha256: alarm.sha256 },
    });
    const before = await waitReach(server, e.emergency.id, (r) => expect(r.targeted).toBe(1));
    expect(before.reach).toMatchObject({ offline: 1, received: 0, offlineReceivers: [device.deviceId] });

    agent = await agent.respawn();
    agents.push(agent);
    const joined = await waitReach(server, e.emergency.id, (r) => expect(r.finished).toBe(1));
    expect(joined.reach).toMatchObject({ received: 1, joinedLate: 1, offline: 0, offlineReceivers: [] });
    await agent.stop();
    await waitOnline(device, agent, false);

    // Valid for 5 s only: it expires on the server while the receiver is away.
    const late = await startEmergency(server, {
      targets: { units: ['19774'] },
      source: { kind: 'media', sha256: alarm.sha256 },
      validForS: 5,
    });
    await waitState(server, late.emergency.id, 'expired');
    agent = await agent.respawn();
    agents.push(agent);
    await vi.waitFor(() => {
      const line = agent.lines().find((l) => l.msg === 'emergency stop record' && l.emergencyId === late.emergency.id);
      expect(line, agent.output().slice(-3000)).toBeDefined();
    }, WAIT);
    await waitOnline(device, agent, true);
    expect(agent.lines().some((l) => l.msg === 'emergency received' && l.emergencyId === late.emergency.id)).toBe(
      false,
    );
    const after = await waitReach(server, late.emergency.id, (r) => expect(r.targeted).toBe(1));
    expect(after.reach).toMatchObject({ received: 0, offline: 1 });
    await agent.stop();
  }, 240_000);
});
