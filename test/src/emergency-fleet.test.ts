import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet, type FleetDevice } from '@nguon/device-agent/fleet';
import { decode, topics } from '@nguon/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { startEmergency, waitReach } from './support/emergency.js';
import { connectRaw, nextMessage } from './support/mqtt.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

const FLEET = 50;

/**
 * Issue 7: reach counts over a fleet of real agents (createFleet, timer player, skewed clocks), and a
 * start outside the operator's scope refused with nothing published.
 */
describe('emergency reach and scope', () => {
  let server: TestServer;
  let dataDir: string;
  let alarm: { sha256: string; durationMs: number };
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-emergency-fleet-'));
    const up = await uploadFile(server, await makeTone({ seconds: 1, format: 'wav' }), 'canh-bao.wav');
    expect(up.status).toBe(201);
    alarm = up.body as { sha256: string; durationMs: number };
  }, 60_000);
  afterAll(async () => {
    for (const f of fleets) await f.stop();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  async function loginAs(u: { username: string; password: string }): Promise<string> {
    const res = await server.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { username: u.username, password: u.password },
      null,
    );
    if (res.status !== 200 || !res.body.token) throw new Error(`login ${u.username}: ${res.status}`);
    return res.body.token;
  }

  function register(count: number, unitCode: string): FleetDevice[] {
    const unit = server.running.services.units.byCode(unitCode);
    if (!unit) throw new Error(`unit ${unitCode} missing`);
    return Array.from({ length: count }, (_, i) => {
      const { device, secret } = server.running.services.devices.register({ unitId: unit.id, name: `Mô phỏng ${i}` });
      return { deviceId: device.id, secret };
    });
  }

  it(`reaches 100% of ${FLEET} simulated receivers, with latencies in server time despite skewed clocks`, async () => {
    const fleet = createFleet({
      devices: register(FLEET, '19774'),
      brokerUrl: server.running.brokerUrl,
      dataDir: path.join(dataDir, 'fleet'),
      clockSkewMs: { max: 30_000 },
      heartbeatIntervalS: 5,
      connectsPerS: 200,
      logLevel: 'error',
    });
    fleets.push(fleet);
    await fleet.start();
    await fleet.untilConnected();

    const e = await startEmergency(server, {
      targets: { units: ['19774'] },
      source: { kind: 'media', sha256: alarm.sha256 },
      repeat: 2,
    });
    expect(e.targeted).toBe(FLEET);
    const { reach } = await waitReach(server, e.emergency.id, (r) => expect(r.finished).toBe(FLEET));
    expect(reach).toMatchObject({ targeted: FLEET, received: FLEET, started: FLEET, failed: 0, offline: 0 });
    // Reported in server time: a device clock 30 s off would show here as ±30,000 ms.
    expect(reach.latencyMs.received.count).toBe(FLEET);
    expect(reach.latencyMs.received.p50).toBeGreaterThanOrEqual(-500);
    expect(reach.latencyMs.received.max).toBeLessThan(15_000);
    expect(reach.latencyMs.started.max).toBeLessThan(20_000);

    // The live feed answers with the same reach.
    const feed = await fetch(`${server.baseUrl}/api/v1/emergencies/${e.emergency.id}/events?once=1`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(feed.headers.get('content-type')).toContain('text/event-stream');
    expect(await feed.text()).toContain(`"finished":${FLEET}`);
  }, 180_000);

  it('refuses a start outside the operator’s unit, naming the targets, and publishes nothing', async () => {
    const mk = (body: Record<string, unknown>) => server.api('POST', '/api/v1/units', body);
    expect((await mk({ code: '48', name: 'Tỉnh ngoài', level: 'province', parentCode: 'VN' })).status).toBe(201);
    expect((await mk({ code: '20200', name: 'Xã ngoài', level: 'commune', parentCode: '48' })).status).toBe(201);
    const user = { username: 'tinh46.khan', displayName: 'Cán bộ tỉnh', password: 'emergency-pass-1' };
    expect(
      (await server.api('POST', '/api/v1/users', { ...user, role: 'province_operator', unitCode: '46' })).status,
    ).toBe(201);
    const token = await loginAs(user);

    // A receiver out there, listening on its area's emergency topic.
    const outside = await registerDevice(server, '20200', 'Loa ngoài');
    const client = await connectRaw(outside.brokerUrl, outside.deviceId, outside.secret);
    const topic = topics.areaEmergency(['VN', '48', '20200']);
    await client.subscribeAsync(topic, { qos: 1 });
    const first = nextMessage(client, topic, 30_000);

    const refused = await server.api<{ error: { code: string; details: { outOfScope: string[] } } }>(
      'POST',
      '/api/v1/emergencies',
      {
        title: 'Ngoài phạm vi',
        targets: { units: ['19753', '20200'] },
        source: { kind: 'media', sha256: alarm.sha256 },
      },
      token,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.outOfScope).toEqual(['unit 20200']);
    const list = await server.api<{ emergencies: Array<{ title: string }> }>('GET', '/api/v1/emergencies');
    expect(list.body.emergencies.some((x) => x.title === 'Ngoài phạm vi')).toBe(false);

    // The first thing the receiver ever gets is the admin's later, allowed one.
    const allowed = await startEmergency(server, {
      title: 'Trong phạm vi quản trị',
      targets: { units: ['20200'] },
      source: { kind: 'media', sha256: alarm.sha256 },
    });
    const d = decode(topic, await first);
    expect(d.ok && d.kind === 'emergency' && d.message.type === 'emergency' && d.message.emergencyId).toBe(
      allowed.emergency.id,
    );
    // Roles without the permission are refused before anything is looked at.
    const commune = { username: 'xa.khan', displayName: 'Đài xã', password: 'emergency-pass-1' };
    await server.api('POST', '/api/v1/users', { ...commune, role: 'commune_operator', unitCode: '19753' });
    const ct = await loginAs(commune);
    const denied = await server.api(
      'POST',
      '/api/v1/emergencies',
      { title: 'x', targets: { units: ['19753'] }, source: { kind: 'media', sha256: alarm.sha256 } },
      ct,
    );
    expect(denied.status).toBe(403);
    await client.endAsync();
  }, 120_000);
});
