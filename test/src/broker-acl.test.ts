import { randomUUID } from 'node:crypto';
import { encodeForArea, encodeForDevice, topics } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closed, connectRaw, nextMessage } from './support/mqtt.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

const health: Health = {
  uptimeS: 10,
  agentUptimeS: 5,
  cpuTempC: null,
  load1: 0.1,
  memTotalMb: 512,
  memUsedPct: 40,
  diskTotalMb: 8000,
  diskUsedPct: 10,
  volume: 80,
  muted: false,
  agentVersion: 'test',
  link: { type: 'unknown', signalDbm: null },
  playing: null,
};

describe('embedded broker: device credentials, topic ACLs and area fan-out', () => {
  let server: TestServer;
  let a: RegisteredDevice;
  let b: RegisteredDevice;
  let brokerUrl: string;
  const clients: MqttClient[] = [];
  const connect = async (user?: string, pass?: string) => {
    const c = await connectRaw(brokerUrl, user, pass);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    brokerUrl = server.running.brokerUrl;
    a = await registerDevice(server, '19753', 'Loa A');
    b = await registerDevice(server, '19774', 'Loa B');
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server.close();
  });

  it('refuses wrong, missing and borrowed credentials', async () => {
    await expect(connectRaw(brokerUrl, a.deviceId, 'wrong')).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await expect(connectRaw(brokerUrl)).rejects.toThrow();
    await expect(connectRaw(brokerUrl, a.deviceId, b.secret)).rejects.toThrow();
  });

  it('lets a device subscribe to its own and its ancestors’ topics only', async () => {
    const c = await connect(a.deviceId, a.secret);
    const granted = await c.subscribeAsync(
      [topics.deviceCommand(a.deviceId), topics.areaCommand(['VN', '46']), topics.areaCommand(['VN', '46', '19753'])],
      { qos: 1 },
    );
    expect(granted.map((g) => g.qos)).toEqual([1, 1, 1]);
    const refused = [
      topics.deviceCommand(b.deviceId),
      topics.areaCommand(['VN', '46', '19774']),
      topics.deviceHeartbeat(a.deviceId),
      'nguon/v1/dev/+/cmd',
      '#',
    ];
    for (const topic of refused) {
      // SUBACK 0x80: refused without dropping the connection.
      await expect(c.subscribeAsync(topic, { qos: 1 }), topic).rejects.toMatchObject({ packet: { granted: [128] } });
    }
    expect(c.connected).toBe(true);
  });

  it('one publish on an area topic reaches every receiver below it, and only those', async () => {
    const ca = await connect(a.deviceId, a.secret);
    const cb = await connect(b.deviceId, b.secret);
    await ca.subscribeAsync([topics.areaCommand(['VN', '46']), topics.areaCommand(['VN', '46', '19753'])], { qos: 1 });
    await cb.subscribeAsync([topics.areaCommand(['VN', '46']), topics.areaCommand(['VN', '46', '19774'])], { qos: 1 });
    const stop = (id: string) => ({
      v: 1 as const,
      id,
      ts: Date.now(),
      expiresAt: Date.now() + 60_000,
      type: 'stop' as const,
    });

    const aGotCommune = nextMessage(ca, topics.areaCommand(['VN', '46', '19753']));
    const bFirst = new Promise<string>((resolve) => cb.once('message', (t) => resolve(t)));
    await server.running.mqtt.publish(encodeForArea('areaCommand', ['VN', '46', '19753'], stop('commune')));
    await server.running.mqtt.publish(encodeForArea('areaCommand', ['VN', '46'], stop('province')));
    expect(JSON.parse((await aGotCommune).toString()).id).toBe('commune');
    // Messages from one publisher arrive in order: B's first message is the province one, so the commune one missed it.
    expect(await bFirst).toBe(topics.areaCommand(['VN', '46']));
  });

  it('gives a late subscriber its retained message from the exact-topic index, and forgets a cleared one', async () => {
    const desired = (version: number) =>
      encodeForDevice('desired', a.deviceId, {
        v: 1,
        id: randomUUID(),
        ts: Date.now(),
        version,
        volume: 70,
        muted: false,
        areas: [['VN']],
      });
    await server.running.mqtt.publish(desired(41));
    const c = await connect(a.deviceId, a.secret);
    const got = nextMessage(c, topics.deviceDesired(a.deviceId));
    await c.subscribeAsync(topics.deviceDesired(a.deviceId), { qos: 1 });
    expect(JSON.parse((await got).toString()).version).toBe(41);
    await c.unsubscribeAsync(topics.deviceDesired(a.deviceId));

    await server.running.mqtt.publish({
      topic: topics.deviceDesired(a.deviceId),
      payload: Buffer.alloc(0),
      qos: 1,
      retain: true,
    });
    await server.running.mqtt.publish(desired(42));
    const next = nextMessage(c, topics.deviceDesired(a.deviceId));
    await c.subscribeAsync(topics.deviceDesired(a.deviceId), { qos: 1 });
    expect(JSON.parse((await next).toString()).version).toBe(42);
  });

  it('disconnects a device that publishes on another device’s topic', async () => {
    const c = await connect(a.deviceId, a.secret);
    const gone = closed(c);
    c.publish(topics.deviceHeartbeat(b.deviceId), JSON.stringify({ v: 1 }), { qos: 1 });
    await gone;
    expect(c.connected).toBe(false);
  });

  it('survives malformed messages and still stores the next valid heartbeat', async () => {
    const c = await connect(a.deviceId, a.secret);
    const junk: Array<[string, Buffer | string]> = [
      [topics.deviceHeartbeat(a.deviceId), '{not json'],
      [topics.deviceHeartbeat(a.deviceId), Buffer.from([0xff, 0x00, 0xfe])],
      [topics.deviceLog(a.deviceId), JSON.stringify({ v: 1, id: 'x', ts: -5, event: 'exploded' })],
      [topics.deviceReply(a.deviceId), 'null'],
      [topics.devicePresence(a.deviceId), JSON.stringify({ v: 99, state: 'sideways' })],
      [topics.deviceHeartbeat(a.deviceId), Buffer.alloc(300 * 1024, 0x7b)],
      [
        topics.deviceHeartbeat(a.deviceId),
        JSON.stringify({ v: 1, id: 'h', ts: 1, seq: 1, session: 's', health: { volume: 'loud' } }),
      ],
    ];
    for (const [t, p] of junk) await c.publishAsync(t, p, { qos: 1 });
    const hb = encodeForDevice('heartbeat', a.deviceId, {
      v: 1,
      id: randomUUID(),
      ts: Date.now(),
      seq: 1,
      session: 'sess-1',
      health,
    });
    await c.publishAsync(hb.topic, hb.payload, { qos: 1 });
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { online: boolean; health: Health } | null }>(
          'GET',
          `/api/v1/devices/${a.deviceId}`,
        );
        expect(res.body.status?.online).toBe(true);
        expect(res.body.status?.health.memTotalMb).toBe(512);
      },
      { timeout: 10_000, interval: 50 },
    );
    const h = await server.api<{ ok: boolean; mqttConnected: boolean }>('GET', '/health');
    expect(h.body).toMatchObject({ ok: true, mqttConnected: true });
  });
});
