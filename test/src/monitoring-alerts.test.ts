import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';
import { openSse, type SseClient } from './support/sse.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

interface Alert {
  id: number;
  kind: string;
  state: string;
  title: string;
  devices: string[];
  unitCode: string;
}
interface Hook {
  event: string;
  alert: Alert;
  signatureOk: boolean;
}

/** A local webhook receiver that checks each request's HMAC signature. */
async function startWebhookReceiver(secret: () => string) {
  const received: Hook[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const ts = String(req.headers['x-nguon-timestamp']);
      const want = `sha256=${createHmac('sha256', secret()).update(`${ts}.${body}`).digest('hex')}`;
      const parsed = JSON.parse(body) as { event: string; alert: Alert };
      received.push({ ...parsed, signatureOk: req.headers['x-nguon-signature'] === want });
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    close: () => server.close(),
  };
}

/**
 * A commune-wide link drop (issue 8): ten real agents (the fleet) reach the broker through a TCP relay;
 * closing the relay cuts all ten. One grouped alert opens (not ten), reaches the console over SSE and a
 * webhook, and resolves by itself when the relay is back and the agents reconnect.
 */
describe('grouped alerts for a commune-wide outage', () => {
  let server: TestServer;
  let fleet: Fleet;
  let proxy: TcpProxy;
  let dataDir: string;
  let sse: SseClient;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let secret = '';

  beforeAll(async () => {
    server = await startTestServer({ NGUON_ALERT_OFFLINE_MIN: '0', NGUON_ALERT_EVAL_S: '0.5' });
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-alerts-'));
    hook = await startWebhookReceiver(() => secret);
  });
  afterAll(async () => {
    sse?.close();
    await fleet?.stop();
    await proxy?.close();
    hook?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens one alert for ten receivers, delivers it live and by webhook, and resolves it', async () => {
    const created = await server.api('POST', '/api/v1/units', {
      code: '19999',
      name: 'Xã Thử Nghiệm',
      level: 'commune',
      parentCode: '46',
    });
    expect(created.status).toBe(201);
    const wh = await server.api<{ secret: string }>('POST', '/api/v1/alert-webhooks', {
      unitCode: '46',
      name: 'Trực ban',
      url: hook.url,
    });
    expect(wh.status).toBe(201);
    secret = wh.body.secret;
    // A webhook that hangs must not hold up the other one.
    const hang = http.createServer(() => {});
    hang.listen(0, '127.0.0.1');
    await once(hang, 'listening');
    await server.api('POST', '/api/v1/alert-webhooks', {
      unitCode: '46',
      name: 'Treo',
      url: `http://127.0.0.1:${(hang.address() as { port: number }).port}/`,
    });

    const unit = server.running.services.units.byCode('19999')!;
    const devices = Array.from({ length: 10 }, (_, i) => {
      const { device, secret: s } = server.running.services.devices.register({ unitId: unit.id, name: `Loa ${i}` });
      return { deviceId: device.id, secret: s };
    });
    const brokerPort = server.running.broker!.port;
    proxy = await startTcpProxy(brokerPort);
    const proxyPort = proxy.port;
    fleet = createFleet({
      devices,
      brokerUrl: `mqtt://127.0.0.1:${proxyPort}`,
      dataDir,
      heartbeatIntervalS: 2,
      logLevel: 'silent',
    });
    await fleet.start();
    await fleet.untilConnected();
    const online = async () => {
      const r = await server.api<{ devices: Array<{ id: string; status: { presence: string } | null }> }>(
        'GET',
        '/api/v1/devices',
      );
      return r.body.devices.filter((d) => devices.some((x) => x.deviceId === d.id) && d.status?.presence === 'online')
        .length;
    };
    await vi.waitFor(async () => expect(await online()).toBe(10), { timeout: 30_000, interval: 200 });
    sse = await openSse(`${server.baseUrl}/api/v1/alerts/stream`, server.adminToken);
    await sse.waitFor((e) => e.event === 'snapshot');

    await proxy.close(); // the commune's uplink goes down: every socket dies, the broker publishes ten Wills
    const offline = await vi.waitFor(
      async () => {
        const r = await server.api<{ alerts: Alert[] }>(
          'GET',
          '/api/v1/alerts?unitCode=19999&state=active&kind=device_offline',
        );
        expect(r.body.alerts).toHaveLength(1);
        expect(r.body.alerts[0]!.devices).toHaveLength(10);
        return r.body.alerts[0]!;
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(offline.title).toBe('10 loa của Xã Thử Nghiệm mất kết nối quá 0 phút');
    const all = await server.api<{ alerts: Alert[] }>('GET', '/api/v1/alerts?unitCode=19999');
    // Grouped: one offline alert and one "no working receiver" alert, never one per receiver.
    expect(all.body.alerts.map((a) => a.kind).sort()).toEqual(['device_offline', 'unit_no_receiver']);

    const live = await sse.waitFor((e) => e.event === 'alert' && (e.data as { alert: Alert }).alert.id === offline.id);
    expect((live.data as { event: string }).event).toBe('opened');
    await vi.waitFor(
      () => expect(hook.received.some((h) => h.alert.id === offline.id && h.event === 'opened')).toBe(true),
      {
        timeout: 20_000,
      },
    );
    expect(hook.received.every((h) => h.signatureOk)).toBe(true);

    // The link comes back on the same address; the agents reconnect through their own backoff.
    proxy = await startTcpProxy(brokerPort, proxyPort);
    await vi.waitFor(async () => expect(await online()).toBe(10), { timeout: 90_000, interval: 500 });
    await sse.waitFor(
      (e) =>
        e.event === 'alert' &&
        (e.data as { event: string; alert: Alert }).event === 'resolved' &&
        (e.data as { alert: Alert }).alert.id === offline.id,
      30_000,
    );
    const after = await server.api<{ alert: Alert }>('GET', `/api/v1/alerts/${offline.id}`);
    expect(after.body.alert.state).toBe('resolved');
    await vi.waitFor(
      () => expect(hook.received.some((h) => h.alert.id === offline.id && h.event === 'resolved')).toBe(true),
      {
        timeout: 20_000,
      },
    );
    const opened = hook.received.filter((h) => h.event === 'opened' && h.alert.kind === 'device_offline');
    expect(opened).toHaveLength(1);
    hang.closeAllConnections();
    hang.close();
  }, 240_000);
});
