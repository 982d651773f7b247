import { randomUUID } from 'node:crypto';
import { encodeForDevice } from '@nguon/protocols';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { connectRaw } from './support/mqtt.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

interface PresenceReport {
  transitions: Array<{ state: string; reason: string; at: number }>;
  uptime: number | null;
}

const health = {
  uptimeS: 10,
  agentUptimeS: 5,
  cpuTempC: 45,
  load1: 0.2,
  memTotalMb: 1024,
  memUsedPct: 30,
  diskTotalMb: 16000,
  diskUsedPct: 40,
  volume: 70,
  muted: false,
  agentVersion: 'raw-1',
  link: { type: 'cellular', signalDbm: -80 },
  playing: null,
};

/**
 * Presence with real parts (issue 8): a real agent process killed with SIGKILL goes offline by its Last
 * Will; a late Will of an older session changes nothing; a receiver that falls silent goes offline after
 * the heartbeat timeout; nonsense health is refused.
 */
describe('presence from Last Will, sessions and the heartbeat timeout', () => {
  let server: TestServer;
  const agents: AgentProcess[] = [];
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    // Alert evaluation off, so an alert opened by hand stays as the test leaves it.
    server = await startTestServer({ NGUON_HEARTBEAT_TIMEOUT_S: '5', NGUON_ALERT_EVAL_S: '3600' });
  });
  afterAll(async () => {
    for (const a of agents) await a.kill('SIGKILL');
    for (const c of clients) await c.endAsync(true);
    await server?.close();
  });

  const presence = (id: string) => server.api<PresenceReport>('GET', `/api/v1/devices/${id}/presence`);
  const state = async (id: string) =>
    (await server.api<{ status: { presence: string } | null }>('GET', `/api/v1/devices/${id}`)).body.status?.presence;

  it('marks a killed agent offline through its Last Will', async () => {
    const dev = await registerDevice(server, '19753', 'Loa bị tắt nguồn');
    const agent = await spawnAgent({ ...dev, player: 'null', heartbeatIntervalS: 1 });
    agents.push(agent);
    await vi.waitFor(async () => expect(await state(dev.deviceId)).toBe('online'), { timeout: 60_000, interval: 200 });
    await agent.kill('SIGKILL');
    // The broker sees the socket die and publishes the Will long before the 5 s heartbeat timeout would.
    await vi.waitFor(async () => expect(await state(dev.deviceId)).toBe('offline'), { timeout: 4_000, interval: 100 });
    const r = (await presence(dev.deviceId)).body;
    expect(r.transitions.map((t) => [t.state, t.reason])).toEqual([
      ['online', 'connect'],
      ['offline', 'will'],
    ]);
  });

  it('ignores a late Will of an older session, and times out a silent receiver', async () => {
    const dev = await registerDevice(server, '19753', 'Loa chập chờn');
    const c = await connectRaw(server.running.brokerUrl, dev.deviceId, dev.secret);
    clients.push(c);
    // Published as raw JSON on the receiver's own topics, so nonsense can be sent too.
    const topicOf = (kind: 'presence' | 'heartbeat') =>
      encodeForDevice(
        kind,
        dev.deviceId,
        kind === 'presence'
          ? { v: 1, id: randomUUID(), ts: 1, state: 'online', session: 's' }
          : { v: 1, id: randomUUID(), ts: 1, seq: 0, session: 's', health: health as never },
      ).topic;
    const send = (kind: 'presence' | 'heartbeat', payload: Record<string, unknown>) =>
      c.publishAsync(topicOf(kind), JSON.stringify({ v: 1, id: randomUUID(), ts: Date.now(), ...payload }), { qos: 1 });
    await send('presence', { state: 'online', session: 'old-session' });
    await send('presence', { state: 'online', session: 'new-session' });
    await vi.waitFor(async () => expect(await state(dev.deviceId)).toBe('online'), { timeout: 10_000 });
    // The broker publishes the old connection's Will only now, after the receiver reconnected.
    await send('presence', { state: 'offline', session: 'old-session' });
    await send('heartbeat', { seq: 0, session: 'new-session', health });
    // A nonsense heartbeat (900 °C, negative disk) is refused by the schema and not stored as fact.
    await send('heartbeat', { seq: 1, session: 'new-session', health: { ...health, cpuTempC: 900, diskUsedPct: -5 } });
    const h = await vi.waitFor(
      async () => {
        const r = await server.api<{ current: { cpuTempC: number } | null; points: unknown[] }>(
          'GET',
          `/api/v1/devices/${dev.deviceId}/health?step=raw`,
        );
        expect(r.body.points.length).toBeGreaterThan(0);
        return r.body;
      },
      { timeout: 10_000 },
    );
    expect(h.current?.cpuTempC).toBe(45);
    expect(h.points).toHaveLength(1);
    expect(await state(dev.deviceId)).toBe('online');

    // Silent from now on, connection still open: no Will, so only the heartbeat timeout can tell.
    await vi.waitFor(async () => expect(await state(dev.deviceId)).toBe('offline'), { timeout: 20_000, interval: 250 });
    const r = (await presence(dev.deviceId)).body;
    expect(r.transitions.map((t) => [t.state, t.reason])).toEqual([
      ['online', 'connect'],
      ['offline', 'timeout'],
    ]);
    expect(r.uptime).toBeGreaterThan(0);
    expect(r.uptime).toBeLessThan(1);
  });
  it('acknowledges an alert (audited) and refuses to acknowledge it twice', async () => {
    const unit = server.running.services.units.byCode('19753')!;
    const a = server.running.services.monitoring.alerts.open({
      kind: 'storage_full',
      unitId: unit.id,
      severity: 'warning',
      devices: ['x'],
      details: {},
    });
    const ack = await server.api<{ alert: { state: string; ackedBy: number } }>('POST', `/api/v1/alerts/${a.id}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body.alert.state).toBe('acknowledged');
    expect((await server.api('POST', `/api/v1/alerts/${a.id}/ack`)).status).toBe(409);
    const audit = await server.api<{
      entries: Array<{ targetType: string; targetId: string; action: string; outcome: string }>;
    }>('GET', '/api/v1/audit?limit=20');
    expect(
      audit.body.entries.some(
        (e) =>
          e.targetType === 'alert' &&
          e.targetId === String(a.id) &&
          e.action === 'alerts.ack: POST /api/v1/alerts/:id/ack' &&
          e.outcome === 'ok',
      ),
    ).toBe(true);
  });
});
