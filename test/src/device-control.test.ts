import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Heartbeat, type Reply, topics } from '@nguon/protocols';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

const WAIT = { timeout: 45_000, interval: 100 };
const SEND_ROUTE = 'devices.control: POST /api/v1/devices/:id/commands';

interface Listed {
  id: string;
  type: string;
  status: 'ok' | 'error' | 'pending' | 'no_reply';
  target: { kind: string; id: string };
  reply: { ok: boolean; error: { code: string } | null; result: Record<string, unknown> | null } | null;
}

/**
 * Issue 5, remote control: an operator sends each command through the HTTP API to a real agent process
 * (own process, real broker, real SQLite) and reads its answer back through the API and the audit log.
 */
describe('remote control of a receiver through the API', () => {
  let server: TestServer;
  /** Added to the server's clock: a negative shift makes the server stamp commands that arrive expired. */
  let shift = 0;
  let device: RegisteredDevice;
  let agent: AgentProcess;
  let hooks = '';
  const heartbeats: Array<{ at: number; hb: Heartbeat }> = [];
  const replies: Reply[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { clock: () => Date.now() + shift });
    device = await registerDevice(server, '19753', 'Loa điều khiển');
    server.running.mqtt.on('heartbeat', ({ deviceId, message }) => {
      if (deviceId === device.deviceId) heartbeats.push({ at: Date.now(), hb: message });
    });
    server.running.mqtt.on('reply', ({ deviceId, message }) => {
      if (deviceId === device.deviceId) replies.push(message);
    });
    hooks = await mkdtemp(path.join(tmpdir(), 'nguon-hooks-'));
    agent = await spawnAgent({
      deviceId: device.deviceId,
      secret: device.secret,
      brokerUrl: device.brokerUrl,
      player: 'null',
      heartbeatIntervalS: 1,
      hooks: { amplifierOn: `touch ${hooks}/amp-on`, amplifierOff: `touch ${hooks}/amp-off` },
    });
    await vi.waitFor(async () => {
      const res = await server.api<{ status: { online: boolean } | null }>('GET', `/api/v1/devices/${device.deviceId}`);
      expect(res.body.status?.online, agent.output().slice(-3000)).toBe(true);
    }, WAIT);
  }, 90_000);
  afterAll(async () => {
    await agent?.kill('SIGKILL');
    await server?.close();
    for (const dir of [hooks, agent?.dir ?? '']) await rm(dir, { recursive: true, force: true });
  });

  const send = async (body: Record<string, unknown>, target = `/api/v1/devices/${device.deviceId}`) => {
    const res = await server.api<{ commandId: string; devices: number }>('POST', `${target}/commands`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.commandId;
  };
  /** Waits until the API shows the receiver's answer to `commandId`. */
  const answer = async (commandId: string) => {
    let found: Listed | undefined;
    await vi.waitFor(async () => {
      const res = await server.api<{ commands: Listed[] }>('GET', `/api/v1/devices/${device.deviceId}/commands`);
      found = res.body.commands.find((c) => c.id === commandId);
      expect(found?.status, agent.output().slice(-2000)).toMatch(/^(ok|error)$/);
    }, WAIT);
    return found as Listed;
  };
  const gaps = (from: number) => {
    const ts = heartbeats.filter((h) => h.at >= from).map((h) => h.hb.ts);
    return ts.slice(1).map((t, i) => t - ts[i]!);
  };

  it('sets volume and mute, kept as desired state', async () => {
    expect(await answer(await send({ type: 'setVolume', volume: 35 }))).toMatchObject({
      status: 'ok',
      reply: { ok: true, result: { volume: 35, muted: false } },
    });
    expect(await answer(await send({ type: 'setMute', muted: true }))).toMatchObject({
      status: 'ok',
      reply: { result: { volume: 35, muted: true } },
    });
    const res = await server.api<{ device: { volume: number; muted: boolean } }>(
      'GET',
      `/api/v1/devices/${device.deviceId}`,
    );
    expect(res.body.device).toMatchObject({ volume: 35, muted: true });
  });

  it('switches the amplifier through its hook', async () => {
    expect(existsSync(`${hooks}/amp-on`)).toBe(false);
    expect(await answer(await send({ type: 'amplifier', on: true }))).toMatchObject({
      status: 'ok',
      reply: { result: { amplifierOn: true } },
    });
    expect(existsSync(`${hooks}/amp-on`)).toBe(true);
    await answer(await send({ type: 'amplifier', on: false }));
    expect(existsSync(`${hooks}/amp-off`)).toBe(true);
  });

  it('changes the heartbeat interval remotely, and reports and syncs on demand', async () => {
    // One-second beats before the change.
    await vi.waitFor(() => expect(gaps(Date.now() - 5_000).length).toBeGreaterThanOrEqual(2), WAIT);
    expect(Math.min(...gaps(Date.now() - 5_000))).toBeLessThan(1_600);
    const set = await answer(await send({ type: 'setConfig', heartbeatIntervalS: 3 }));
    expect(set.reply?.result).toMatchObject({ settings: { heartbeatIntervalS: 3 } });
    const after = Date.now();
    await vi.waitFor(() => expect(gaps(after).length).toBeGreaterThanOrEqual(3), WAIT);
    for (const gap of gaps(after)) expect(gap).toBeGreaterThanOrEqual(2_700);

    // A whole hour between beats: the next one comes only because reportNow asks for it.
    await answer(await send({ type: 'setConfig', heartbeatIntervalS: 3600 }));
    const quiet = heartbeats.length;
    const report = await answer(await send({ type: 'reportNow' }));
    expect(report.status).toBe('ok');
    await vi.waitFor(() => expect(heartbeats.length).toBeGreaterThan(quiet), WAIT);
    const sync = await answer(await send({ type: 'syncNow' }));
    expect(sync).toMatchObject({ status: 'ok', reply: { result: { synced: true } } });
  });

  it('refuses an expired command and answers a malformed one', async () => {
    shift = -3_600_000; // stamped an hour ago by the server: expired on arrival
    let id: string;
    try {
      id = await send({ type: 'reportNow' });
    } finally {
      shift = 0;
    }
    expect(await answer(id)).toMatchObject({ status: 'error', reply: { ok: false, error: { code: 'expired' } } });

    // The API refuses what the contract forbids, and nothing is sent.
    const bad = await server.api('POST', `/api/v1/devices/${device.deviceId}/commands`, {
      type: 'setVolume',
      volume: 900,
    });
    expect(bad.status).toBe(400);
    const nothing = await server.api('POST', `/api/v1/devices/${device.deviceId}/commands`, { type: 'selfDestruct' });
    expect(nothing.status).toBe(400);
    // Something malformed that reached the receiver anyway gets an `invalid` answer, and it keeps running.
    const rawId = randomUUID();
    const payload = { v: 1, id: rawId, ts: Date.now(), expiresAt: Date.now() + 60_000, type: 'setVolume', volume: 900 };
    await server.running.mqtt.publish({
      topic: topics.deviceCommand(device.deviceId),
      payload: Buffer.from(JSON.stringify(payload)),
      qos: 1,
      retain: false,
    });
    await vi.waitFor(() => {
      expect(replies.find((r) => r.id === rawId)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }, WAIT);
    expect(agent.child.exitCode).toBeNull();
  });

  it('reaches the receiver through its unit and its group', async () => {
    const unitCmd = await send({ type: 'reportNow' }, '/api/v1/units/19753');
    expect(await answer(unitCmd)).toMatchObject({ status: 'ok', target: { kind: 'unit' } });
    const group = await server.api<{ group: { id: number } }>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Cụm chợ',
      deviceIds: [device.deviceId],
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const groupCmd = await send({ type: 'syncNow' }, `/api/v1/groups/${group.body.group.id}`);
    expect(await answer(groupCmd)).toMatchObject({ status: 'ok', target: { kind: 'group' } });
  });

  it('lets a commune operator control only receivers of their commune, and audits every command', async () => {
    await server.api('POST', '/api/v1/units', { code: '48', name: 'Tỉnh ngoài', level: 'province', parentCode: 'VN' });
    await server.api('POST', '/api/v1/units', { code: '20200', name: 'Xã ngoài', level: 'commune', parentCode: '48' });
    const outside = await registerDevice(server, '20200', 'Loa xã khác');
    const login = async (role: string) => {
      const username = `dk-${role.replace('_', '-')}`;
      const password = 'control-password-1';
      const user = { username, displayName: username, password, role, unitCode: '19753' };
      expect((await server.api('POST', '/api/v1/users', user)).status).toBe(201);
      return (await server.api<{ token: string }>('POST', '/api/v1/auth/login', { username, password }, null)).body
        .token;
    };
    const operator = await login('commune_operator');
    const viewer = await login('viewer');
    const body = { type: 'reportNow' };
    const post = (id: string, token: string) => server.api('POST', `/api/v1/devices/${id}/commands`, body, token);
    expect((await post(outside.deviceId, operator)).status).toBe(403);
    expect((await post(device.deviceId, viewer)).status).toBe(403);
    const mine = await post(device.deviceId, operator);
    expect(mine.status).toBe(202);
    expect((await answer((mine.body as { commandId: string }).commandId)).status).toBe('ok');
    const list = await server.api('GET', `/api/v1/devices/${outside.deviceId}/commands`, undefined, operator);
    expect(list.status).toBe(403);

    const audit = await server.api<{
      entries: Array<{ outcome: string; targetId: string; actorName: string; details: { commandId?: string } | null }>;
    }>('GET', `/api/v1/audit?limit=1000&action=${encodeURIComponent(SEND_ROUTE)}`);
    const entries = audit.body.entries;
    const sent = (await server.api<{ commands: Listed[] }>('GET', `/api/v1/devices/${device.deviceId}/commands`)).body
      .commands;
    for (const c of sent.filter((s) => s.target.kind === 'device')) {
      expect(
        entries.some((e) => e.outcome === 'ok' && e.details?.commandId === c.id),
        c.id,
      ).toBe(true);
    }
    expect(entries.filter((e) => e.outcome === 'denied').map((e) => [e.actorName, e.targetId])).toEqual(
      expect.arrayContaining([
        ['dk-commune-operator', outside.deviceId],
        ['dk-viewer', device.deviceId],
      ]),
    );
  });

  it('stores the receiver events once each, readable a page at a time', async () => {
    type Page = { events: Array<{ eventId: string; type: string; seq: number }>; nextBefore: number | null };
    const url = `/api/v1/devices/${device.deviceId}/events`;
    let all: Page['events'] = [];
    await vi.waitFor(async () => {
      all = (await server.api<Page>('GET', `${url}?limit=500`)).body.events;
      expect(all.map((e) => e.type)).toContain('agentStarted');
    }, WAIT);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    const first = (await server.api<Page>('GET', `${url}?limit=1`)).body;
    expect(first.events).toHaveLength(1);
    expect(first.nextBefore).toBe(first.events[0]!.seq);
    const second = (await server.api<Page>('GET', `${url}?limit=1&before=${first.nextBefore}`)).body;
    expect(second.events[0]!.seq).toBeLessThan(first.events[0]!.seq);
    // An event delivered twice (a lost acknowledgement) is stored once; a malformed one is dropped.
    const twice = { v: 1, id: randomUUID(), ts: Date.now(), type: 'test.twice', level: 'info' };
    const publish = (payload: unknown) =>
      server.running.mqtt.publish({
        topic: topics.deviceEvent(device.deviceId),
        payload: Buffer.from(JSON.stringify(payload)),
        qos: 1,
        retain: false,
      });
    await publish({ ...twice, type: 'test.bad', level: 'loud' });
    await publish(twice);
    await publish(twice);
    await vi.waitFor(async () => {
      expect((await server.api<Page>('GET', `${url}?type=test.twice`)).body.events).toHaveLength(1);
    }, WAIT);
    expect(server.running.services.deviceEvents.ingest('rnosuchdevice', { ...twice, id: randomUUID() } as never)).toBe(
      false,
    );
    expect((await server.api<Page>('GET', `${url}?type=test.bad`)).body.events).toHaveLength(0);
  });
});
