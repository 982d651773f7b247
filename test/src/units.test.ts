import { decode, topics } from '@nguon/protocols';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRaw } from './support/mqtt.js';
import { type ApiResponse, registerDevice, startTestServer, type TestServer } from './support/server.js';

interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  moved: number;
  devicesNotified: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ line: number; code?: string; message: string }> };
}
interface UnitBody {
  unit: { id: number; code: string; name: string; parentId: number | null };
  path: Array<{ code: string; name: string }>;
  childCount: number;
}

const HEADER = 'code,name,level,parent_code';

/** Two-tier (since 1 July 2025): communes directly under the province; children listed before their parent. */
const TWO_TIER = [
  HEADER,
  '20194,Phường Hải Châu,commune,48',
  // NFD on purpose (as typed on some keyboards): stored NFC
  `20333,"${'Xã Hòa Vang'.normalize('NFD')}",commune,48`,
  '20305,"Phường Hòa Khánh, Liên Chiểu",commune,48',
  '48,Thành phố Đà Nẵng,province,VN',
];

/** Three-tier (older deployments): province → districts → communes, CRLF line ends. */
const THREE_TIER = [
  HEADER,
  '49,Tỉnh Quảng Nam,province,VN',
  '503,Huyện Duy Xuyên,district,49',
  '504,Huyện Thăng Bình,district,49',
  '20700,Xã Duy Châu,commune,503',
  '20701,Xã Duy Hòa,commune,503',
  '20800,Xã Bình Dương,commune,504',
];

describe('unit tree: import, rename, move (issue 3)', () => {
  let server: TestServer;
  let operatorToken: string;
  const clients: MqttClient[] = [];

  const importCsv = async <T = ImportCounts>(csv: string, token = server.adminToken): Promise<ApiResponse<T>> => {
    const res = await fetch(`${server.baseUrl}/api/v1/units/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8' },
      body: csv,
    });
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  };
  const unitCount = async () => (await server.api<{ units: unknown[] }>('GET', '/api/v1/units')).body.units.length;
  const getUnit = (code: string, token?: string) =>
    server.api<UnitBody>('GET', `/api/v1/units/${code}`, undefined, token);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await server.close();
  });

  it('imports a two-tier province from CSV (BOM, quotes, parents after children) with NFC names', async () => {
    const res = await importCsv(`\uFEFF${TWO_TIER.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 4, updated: 0, unchanged: 0, moved: 0, devicesNotified: 0 });

    const commune = await getUnit('20333');
    expect(commune.body.unit.name).toBe('Xã Hòa Vang'.normalize('NFC'));
    expect(commune.body.path.map((p) => p.name)).toEqual(['Việt Nam', 'Thành phố Đà Nẵng', 'Xã Hòa Vang']);
    expect((await getUnit('48')).body.childCount).toBe(3);
    expect((await getUnit('20305')).body.unit.name).toBe('Phường Hòa Khánh, Liên Chiểu');
  });

  it('imports a three-tier province, and re-importing either file changes nothing', async () => {
    const res = await importCsv(THREE_TIER.join('\r\n'));
    expect(res.body).toEqual({ created: 6, updated: 0, unchanged: 0, moved: 0, devicesNotified: 0 });
    expect((await getUnit('20700')).body.path.map((p) => p.code)).toEqual(['VN', '49', '503', '20700']);

    const before = await unitCount();
    expect((await importCsv(THREE_TIER.join('\r\n'))).body).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
    expect((await importCsv(`\uFEFF${TWO_TIER.join('\n')}`)).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 4,
    });
    expect(await unitCount()).toBe(before);
  });

  it('nests the list with ?tree=1', async () => {
    type Node = { code: string; children: Node[] };
    const res = await server.api<{ units: Node[] }>('GET', '/api/v1/units?tree=1');
    const vn = res.body.units.find((u) => u.code === 'VN');
    const qn = vn?.children.find((c) => c.code === '49');
    expect(qn?.children.map((d) => [d.code, d.children.length])).toEqual([
      ['503', 2],
      ['504', 1],
    ]);
  });

  it('refuses a file with an unknown parent, a cycle, a duplicate and a bad level, naming each line, importing nothing', async () => {
    const before = await unitCount();
    const csv = [
      HEADER,
      '30001,Xã Mới,commune,48', // 2: fine on its own, must not be imported
      '30002,Xã Mồ Côi,commune,99999', // 3: unknown parent
      '30003,Xã A,commune,30004', // 4: cycle with line 5
      '30004,Xã B,commune,30003', // 5
      '30001,Xã Trùng,commune,48', // 6: duplicate of line 2
      '30005,Xã Sai Cấp,hamlet,48', // 7: bad level
    ].join('\n');
    const res = await importCsv<ErrorBody>(csv);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unprocessable');
    expect(res.body.error.details?.map((d) => d.line)).toEqual([3, 4, 5, 6, 7]);
    expect(res.body.error.details?.[1]?.message).toMatch(/cycle: 30003 → 30004 → 30003/);
    expect(await unitCount()).toBe(before);
    expect((await getUnit('30001')).status).toBe(404);
  });

  it('refuses an import that would put a unit below its own descendant', async () => {
    // 20194 lies below 48 in the database, not in the file
    const res = await importCsv<ErrorBody>(`${HEADER}\n48,Đà Nẵng,province,20194\n`);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { line: 2, code: '48', message: expect.stringContaining('48 → 20194 → 48') },
    ]);
    expect((await getUnit('48')).body.unit.name).toBe('Thành phố Đà Nẵng');
  });

  it('takes JSON too, renames by code, and names bad items by index', async () => {
    const ok = await server.api<ImportCounts>('POST', '/api/v1/units/import', {
      units: [
        { code: '49', name: 'Tỉnh Quảng Nam', level: 'province', parentCode: 'VN' },
        { code: '504', name: 'Huyện Thăng Bình (cũ)', level: 'district', parentCode: '49' },
      ],
    });
    expect(ok.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const bad = await server.api<ErrorBody>('POST', '/api/v1/units/import', {
      units: [
        { code: '31000', name: 'Xã', level: 'commune', parentCode: '49' },
        { code: '31001', level: 'commune' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.map((d) => d.line)).toEqual([1]);
    expect((await getUnit('31000')).status).toBe(404);
  });

  it('keeps a province operator inside their province', async () => {
    const created = await server.api('POST', '/api/v1/users', {
      username: 'danang-op',
      displayName: 'Cán bộ Đà Nẵng',
      password: 'mat-khau-du-dai',
      role: 'province_operator',
      unitCode: '48',
    });
    expect(created.status).toBe(201);
    const login = await server.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { username: 'danang-op', password: 'mat-khau-du-dai' },
      null,
    );
    operatorToken = login.body.token;
    const before = await unitCount();

    const inside = await importCsv(`${HEADER}\n20400,Xã Bà Nà,commune,48\n`, operatorToken);
    expect(inside.body).toMatchObject({ created: 1 });
    const outside = await importCsv<ErrorBody>(
      `${HEADER}\n20401,Xã Lạc,commune,48\n20900,Xã Ngoài,commune,49\n`,
      operatorToken,
    );
    expect(outside.status).toBe(403);
    expect(outside.body.error.details?.map((d) => d.line)).toEqual([3]);
    expect((await importCsv(`${HEADER}\n48,Đà Nẵng mới,province,VN\n`, operatorToken)).status).toBe(403);
    expect(await unitCount()).toBe(before + 1);

    const patch = (code: string, body: unknown) => server.api('PATCH', `/api/v1/units/${code}`, body, operatorToken);
    expect((await patch('20800', { name: 'Xã Khác' })).status).toBe(403); // a unit outside
    expect((await patch('20194', { parentCode: '49' })).status).toBe(403); // a parent outside
    expect((await patch('48', { name: 'Đà Nẵng mới' })).status).toBe(403); // their own root
    expect((await getUnit('20194')).body.unit.parentId).toBe((await getUnit('48')).body.unit.id);
    expect((await patch('20400', { name: 'Xã Bà Nà Hills' })).status).toBe(200);
  });

  it('moves a commune to another district: the device stays, gets its new area path, and MQTT follows', async () => {
    const dev = await registerDevice(server, '20700', 'Loa Duy Châu');
    const before = await getUnit('20700');
    const client = await connectRaw(server.running.brokerUrl, dev.deviceId, dev.secret);
    clients.push(client);
    const oldArea = topics.areaCommand(['VN', '49', '503']);
    const newArea = topics.areaCommand(['VN', '49', '504']);
    expect((await client.subscribeAsync(oldArea, { qos: 1 })).map((g) => g.qos)).toEqual([1]);
    await client.unsubscribeAsync(oldArea);
    const desiredAreas: string[][][] = [];
    client.on('message', (topic, payload) => {
      const d = decode(topic, payload);
      if (d.ok && d.kind === 'desired') desiredAreas.push(d.message.areas);
    });
    await client.subscribeAsync(topics.deviceDesired(dev.deviceId), { qos: 1 });

    const moved = await server.api<UnitBody & { moved: boolean; devicesNotified: number }>(
      'PATCH',
      '/api/v1/units/20700',
      { parentCode: '504' },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ moved: true, devicesNotified: 1, unit: { id: before.body.unit.id } });
    expect(moved.body.path.map((p) => p.code)).toEqual(['VN', '49', '504', '20700']);

    const device = await server.api<{ device: { unitId: number }; areaPath: string[] }>(
      'GET',
      `/api/v1/devices/${dev.deviceId}`,
    );
    expect(device.body.device.unitId).toBe(before.body.unit.id);
    expect(device.body.areaPath).toEqual(['VN', '49', '504', '20700']);

    // The connection predates the move: the broker must judge by the current tree, not the one at CONNECT.
    expect((await client.subscribeAsync(newArea, { qos: 1 })).map((g) => g.qos)).toEqual([1]);
    await expect(client.subscribeAsync(oldArea, { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    await vi.waitFor(() => expect(desiredAreas.at(-1)).toContainEqual(['VN', '49', '504', '20700']));
  });

  it('refuses to move a unit below its own descendant, naming the cycle', async () => {
    const res = await server.api<ErrorBody>('PATCH', '/api/v1/units/49', { parentCode: '20700' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('49 → 504 → 20700 → 49');
    expect((await getUnit('49')).body.path.map((p) => p.code)).toEqual(['VN', '49']);
  });

  it('an import that moves a unit back reports the move and re-sends the devices’ desired state', async () => {
    const res = await importCsv(`${HEADER}\n20700,Xã Duy Châu,commune,503\n`);
    expect(res.body).toEqual({ created: 0, updated: 1, unchanged: 0, moved: 1, devicesNotified: 1 });
    expect((await getUnit('20700')).body.path.map((p) => p.code)).toEqual(['VN', '49', '503', '20700']);
  });
});
