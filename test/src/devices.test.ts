import { topics } from '@nguon/protocols';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, connectRaw, nextMessage } from './support/mqtt.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

interface Device {
  id: string;
  unitId: number;
  name: string;
  hardwareId: string | null;
  lat: number | null;
  lon: number | null;
  tags: string[];
  desiredVersion: number;
  revokedAt: number | null;
}
interface Group {
  id: number;
  unitCode: string;
  name: string;
  deviceCount: number;
}
interface GroupAnswer {
  group: Group;
  members: Array<{ id: string }>;
}
interface ErrorAnswer {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const NO_SUCH_MEDIA = '0'.repeat(64);

/** Resolves when the broker closes the client; a deadline (not a sleep) so a kept session fails clearly. */
function droppedByBroker(client: MqttClient, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the broker kept ${client.options.clientId} connected`)), ms);
  });
  return Promise.race([closed(client), deadline]).finally(() => clearTimeout(timer));
}

/** Issue 3 part 5: receivers' lifecycle (edit, move, rotate, revoke) and zones, against the real broker. */
describe('devices and groups', () => {
  let server: TestServer;
  const clients: MqttClient[] = [];
  const connect = async (device: RegisteredDevice, secret = device.secret) => {
    const c = await connectRaw(server.running.brokerUrl, device.deviceId, secret);
    clients.push(c);
    return c;
  };
  const mediaAs = (deviceId: string, secret: string) =>
    fetch(`${server.baseUrl}/api/v1/media/${NO_SUCH_MEDIA}`, {
      headers: { authorization: `Basic ${Buffer.from(`${deviceId}:${secret}`).toString('base64')}` },
    }).then((r) => r.status);
  const loginAs = async (username: string, role: string, unitCode: string) => {
    const password = 'devices-test-pass-1';
    const made = await server.api('POST', '/api/v1/users', {
      username,
      displayName: username,
      password,
      role,
      unitCode,
    });
    expect(made.status).toBe(201);
    const login = await server.api<{ token: string }>('POST', '/api/v1/auth/login', { username, password }, null);
    expect(login.status).toBe(200);
    return login.body.token;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server.close();
  });

  it('registers with tags and edits name, hardware id, position and tags', async () => {
    const reg = await server.api<{ device: Device; credentials: RegisteredDevice }>('POST', '/api/v1/devices', {
      unitCode: '19753',
      name: 'Loa chợ',
      hardwareId: 'hw-cho',
      lat: 16.46,
      lon: 107.59,
      tags: ['chợ', 'trung tâm', 'chợ'],
    });
    expect(reg.status).toBe(201);
    expect(reg.headers.get('cache-control')).toBe('no-store');
    expect(reg.body.device.tags).toEqual(['chợ', 'trung tâm']);
    const id = reg.body.device.id;
    await registerDevice(server, '19753', 'Loa khác').then((d) =>
      server.api('PATCH', `/api/v1/devices/${d.deviceId}`, { hardwareId: 'hw-other' }),
    );

    const patched = await server.api<{ device: Device }>('PATCH', `/api/v1/devices/${id}`, {
      name: 'Loa chợ mới',
      hardwareId: 'hw-cho-2',
      lat: null,
      tags: ['đình'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.device).toMatchObject({ name: 'Loa chợ mới', hardwareId: 'hw-cho-2', lat: null, lon: 107.59 });
    expect(patched.body.device.tags).toEqual(['đình']);
    const dup = await server.api<ErrorAnswer>('PATCH', `/api/v1/devices/${id}`, { hardwareId: 'hw-other' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('hw-other');
    const one = await server.api<{ device: Device }>('GET', `/api/v1/devices/${id}`);
    expect(one.body.device).toMatchObject({ name: 'Loa chợ mới', tags: ['đình'] });
  });

  it('refuses malformed bodies with 400 naming the field', async () => {
    const d = await registerDevice(server, '19753');
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['PATCH', `/api/v1/devices/${d.deviceId}`, { name: 'x', colour: 'red' }, /colour/],
      ['PATCH', `/api/v1/devices/${d.deviceId}`, { lat: 91 }, /lat/],
      ['PATCH', `/api/v1/devices/${d.deviceId}`, { tags: Array.from({ length: 60 }, (_, i) => `t${i}`) }, /tags/],
      ['PATCH', `/api/v1/devices/${d.deviceId}`, { tags: ['x'.repeat(33)] }, /tags/],
      ['PATCH', `/api/v1/devices/${d.deviceId}`, {}, /at least one field/],
      ['POST', '/api/v1/devices', { unitCode: '19753', name: 'x', lon: 200 }, /lon/],
      ['POST', '/api/v1/devices', { unitCode: '19753', name: 'x', tags: Array(21).fill('a') }, /tags/],
      ['POST', '/api/v1/groups', { unitCode: '19753', name: 'g', members: [] }, /members/],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await server.api<ErrorAnswer>(method, url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toMatch(field);
    }
  });

  it('moves a receiver: new area path, new desired state, session renewed into the new areas', async () => {
    const d = await registerDevice(server, '19753', 'Loa di chuyển');
    const zone = await server.api<GroupAnswer>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Xóm 1',
      deviceIds: [d.deviceId],
    });
    const c = await connect(d);
    const gone = droppedByBroker(c);
    const moved = await server.api<{ device: Device; areaPath: string[]; leftGroups: number[] }>(
      'PATCH',
      `/api/v1/devices/${d.deviceId}`,
      { unitCode: '20014' },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.areaPath).toEqual(['VN', '46', '20014']);
    expect(moved.body.device.desiredVersion).toBe(1);
    // The zone belongs to the old commune, so the receiver left it.
    expect(moved.body.leftGroups).toEqual([zone.body.group.id]);
    // Subscriptions to the old commune live as long as the session: it is dropped so none survives the move.
    await gone;

    const again = await connect(d);
    const desired = nextMessage(again, topics.deviceDesired(d.deviceId));
    await again.subscribeAsync(topics.deviceDesired(d.deviceId), { qos: 1 });
    const state = JSON.parse((await desired).toString()) as { version: number; areas: string[][] };
    expect(state.version).toBe(1);
    expect(state.areas).toContainEqual(['VN', '46', '20014']);
    const granted = await again.subscribeAsync(topics.areaCommand(['VN', '46', '20014']), { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    await expect(again.subscribeAsync(topics.areaCommand(['VN', '46', '19753']), { qos: 1 })).rejects.toMatchObject({
      packet: { granted: [128] },
    });
    const members = await server.api<GroupAnswer>('GET', `/api/v1/groups/${zone.body.group.id}`);
    expect(members.body.members).toEqual([]);
  });

  it('rotates credentials: the old secret is refused at MQTT and HTTP, the live session is dropped', async () => {
    const d = await registerDevice(server, '19774', 'Loa đổi khóa');
    const c = await connect(d);
    const gone = droppedByBroker(c);
    const rotated = await server.api<RegisteredDevice>('POST', `/api/v1/devices/${d.deviceId}/credentials`);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body).toMatchObject({ deviceId: d.deviceId, brokerUrl: expect.stringMatching(/^mqtt:\/\//) });
    expect(rotated.body.secret).not.toBe(d.secret);
    await gone;

    await expect(connectRaw(server.running.brokerUrl, d.deviceId, d.secret)).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    expect(await mediaAs(d.deviceId, d.secret)).toBe(401);
    expect(await mediaAs(d.deviceId, rotated.body.secret)).toBe(404);
    expect((await connect(d, rotated.body.secret)).connected).toBe(true);
  });

  it('revokes: the broker drops the receiver at once, it cannot come back, and it stays listed', async () => {
    const d = await registerDevice(server, '20104', 'Loa thu hồi');
    const c = await connect(d);
    const gone = droppedByBroker(c);
    const revoked = await server.api<{ device: Device }>('POST', `/api/v1/devices/${d.deviceId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.device.revokedAt).toEqual(expect.any(Number));
    await gone;

    await expect(connectRaw(server.running.brokerUrl, d.deviceId, d.secret)).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    expect(await mediaAs(d.deviceId, d.secret)).toBe(401);
    expect((await server.api('POST', `/api/v1/devices/${d.deviceId}/revoke`)).status).toBe(409);
    expect((await server.api('POST', `/api/v1/devices/${d.deviceId}/credentials`)).status).toBe(409);
    expect((await server.api('POST', `/api/v1/devices/${d.deviceId}/volume`, { volume: 40 })).status).toBe(409);
    const list = await server.api<{ devices: Device[] }>('GET', '/api/v1/devices');
    expect(list.body.devices.find((x) => x.id === d.deviceId)?.revokedAt).toBe(revoked.body.device.revokedAt);
  });

  it('manages groups within a unit: members in its subtree only, unique names, all-or-nothing changes', async () => {
    const a = await registerDevice(server, '19753', 'Loa nhóm A');
    const b = await registerDevice(server, '19753', 'Loa nhóm B');
    const outside = await registerDevice(server, '19774', 'Loa ngoài xã');
    const made = await server.api<GroupAnswer>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Trường học',
      deviceIds: [a.deviceId],
    });
    expect(made.status).toBe(201);
    expect(made.body.group).toMatchObject({ unitCode: '19753', name: 'Trường học', deviceCount: 1 });
    const id = made.body.group.id;

    const far = await server.api<ErrorAnswer>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Ngoài',
      deviceIds: [b.deviceId, outside.deviceId],
    });
    expect(far.status).toBe(422);
    expect(far.body.error.message).toContain(outside.deviceId);
    const dup = await server.api<ErrorAnswer>('POST', '/api/v1/groups', { unitCode: '19753', name: 'Trường học' });
    expect(dup.status).toBe(409);
    const unknown = await server.api<ErrorAnswer>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Ma',
      deviceIds: ['rNoSuchDevice'],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('rNoSuchDevice');
    // A province group may hold receivers of any of its communes.
    const wide = await server.api<GroupAnswer>('POST', '/api/v1/groups', {
      unitCode: '46',
      name: 'Toàn tỉnh',
      deviceIds: [a.deviceId, outside.deviceId],
    });
    expect(wide.status).toBe(201);

    const patched = await server.api<GroupAnswer>('PATCH', `/api/v1/groups/${id}`, {
      name: 'Trường tiểu học',
      add: [b.deviceId],
      remove: [a.deviceId],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.members.map((m) => m.id)).toEqual([b.deviceId]);
    const bad = await server.api('PATCH', `/api/v1/groups/${id}`, { name: 'Đổi tên', add: [outside.deviceId] });
    expect(bad.status).toBe(422);
    const one = await server.api<GroupAnswer>('GET', `/api/v1/groups/${id}`);
    expect(one.body.group).toMatchObject({ name: 'Trường tiểu học', deviceCount: 1 });
    expect(one.body.members.map((m) => m.id)).toEqual([b.deviceId]);

    expect((await server.api('DELETE', `/api/v1/groups/${id}`)).status).toBe(204);
    expect((await server.api('GET', `/api/v1/groups/${id}`)).status).toBe(404);
    const list = await server.api<{ groups: Group[] }>('GET', '/api/v1/groups');
    expect(list.body.groups.map((g) => g.name)).toContain('Toàn tỉnh');
    expect(list.body.groups.map((g) => g.id)).not.toContain(id);
  });

  it('keeps a commune operator and a supervisor inside their unit', async () => {
    const mine = await registerDevice(server, '19753', 'Loa của xã');
    const theirs = await registerDevice(server, '19774', 'Loa xã bên');
    await server.api('POST', '/api/v1/groups', { unitCode: '19774', name: 'Nhóm xã bên' });
    const op = await loginAs('op19753', 'commune_operator', '19753');

    const devices = await server.api<{ devices: Device[] }>('GET', '/api/v1/devices', undefined, op);
    const ids = devices.body.devices.map((d) => d.id);
    expect(ids).toContain(mine.deviceId);
    expect(ids).not.toContain(theirs.deviceId);
    expect(new Set(devices.body.devices.map((d) => d.unitId)).size).toBe(1);
    const own = await server.api<GroupAnswer>('POST', '/api/v1/groups', { unitCode: '19753', name: 'Xóm op' }, op);
    expect(own.status).toBe(201);
    const groups = await server.api<{ groups: Group[] }>('GET', '/api/v1/groups', undefined, op);
    expect(groups.body.groups.length).toBeGreaterThan(0);
    expect(groups.body.groups.every((g) => g.unitCode === '19753')).toBe(true);
    expect((await server.api('GET', `/api/v1/devices/${theirs.deviceId}`, undefined, op)).status).toBe(403);
    expect((await server.api('POST', '/api/v1/groups', { unitCode: '19774', name: 'x' }, op)).status).toBe(403);
    expect((await server.api('PATCH', `/api/v1/devices/${theirs.deviceId}`, { name: 'x' }, op)).status).toBe(403);

    // devices.write is a supervisor's: it may edit its own receivers but neither reach nor move out of its unit.
    const sup = await loginAs('sup19753', 'district_supervisor', '19753');
    expect((await server.api('PATCH', `/api/v1/devices/${mine.deviceId}`, { name: 'Loa xã' }, sup)).status).toBe(200);
    const reach = await server.api<ErrorAnswer>('PATCH', `/api/v1/devices/${theirs.deviceId}`, { name: 'x' }, sup);
    expect(reach.status).toBe(403);
    const away = await server.api<ErrorAnswer>('PATCH', `/api/v1/devices/${mine.deviceId}`, { unitCode: '19774' }, sup);
    expect(away.status).toBe(403);
    expect(away.body.error.message).toContain('19774');
    const still = await server.api<{ areaPath: string[] }>('GET', `/api/v1/devices/${mine.deviceId}`);
    expect(still.body.areaPath).toEqual(['VN', '46', '19753']);
  });
});
