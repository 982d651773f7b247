import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

interface Entry {
  id: number;
  at: number;
  actorUserId: number | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetUnitId: number | null;
  outcome: string;
  statusCode: number;
  errorCode: string | null;
  sourceIp: string;
}

describe('audit log', () => {
  let server: TestServer;
  let approverToken: string;
  let deviceId: string;
  const entries = async (query = '', token?: string) =>
    (await server.api<{ entries: Entry[] }>('GET', `/api/v1/audit?limit=1000${query}`, undefined, token)).body.entries;

  beforeAll(async () => {
    server = await startTestServer();
    await server.api('POST', '/api/v1/units', { code: '48', name: 'Tỉnh, khác', level: 'province', parentCode: 'VN' });
    await server.api('POST', '/api/v1/users', {
      username: 'lanh.dao',
      displayName: 'Lãnh đạo xã',
      password: 'approver-pass-1',
      role: 'approver',
      unitCode: '19753',
    });
    approverToken = (
      await server.api<{ token: string }>(
        'POST',
        '/api/v1/auth/login',
        { username: 'lanh.dao', password: 'approver-pass-1' },
        null,
      )
    ).body.token;
    deviceId = (await registerDevice(server, '19753', 'Loa, "chợ" =1+1')).deviceId;
  });
  afterAll(async () => server?.close());

  it('records a mutating action with who, role, target, its unit, outcome and address', async () => {
    const e = (await entries()).find((x) => x.action === 'devices.write: POST /api/v1/devices');
    expect(e).toMatchObject({
      actorName: 'admin',
      actorRole: 'admin',
      targetType: 'device',
      targetId: deviceId,
      outcome: 'ok',
      statusCode: 201,
      sourceIp: '127.0.0.1',
    });
    expect(e?.targetUnitId).toBeTypeOf('number');
  });

  it('records refused attempts with the error code', async () => {
    const res = await server.api('POST', `/api/v1/devices/${deviceId}/volume`, { volume: 10 }, approverToken);
    expect(res.status).toBe(403);
    const e = (await entries()).find((x) => x.actorName === 'lanh.dao' && x.action.includes('/volume'));
    expect(e).toMatchObject({ outcome: 'denied', statusCode: 403, errorCode: 'forbidden', actorRole: 'approver' });
  });

  it('filters by actor, action and time', async () => {
    const me = await server.api<{ user: { id: number } }>('GET', '/api/v1/auth/me');
    const byActor = await entries(`&actorUserId=${me.body.user.id}`);
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((x) => x.actorUserId === me.body.user.id)).toBe(true);
    const action = 'units.write: POST /api/v1/units';
    const byAction = await entries(`&action=${encodeURIComponent(action)}`);
    expect(byAction.map((x) => x.action)).toEqual([action]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await entries(`&from=${encodeURIComponent(future)}`)).toEqual([]);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await entries(`&from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}`)).length).toBe(
      (await entries()).length,
    );
    expect((await server.api('GET', '/api/v1/audit?from=yesterday')).status).toBe(400);
  });

  it('shows an approver only what happened in its subtree', async () => {
    const seen = await entries('', approverToken);
    expect(seen.length).toBeGreaterThan(0);
    // Creating province 48 happened outside commune 19753; registering the device there happened inside.
    expect(seen.some((x) => x.targetId === deviceId)).toBe(true);
    expect(seen.some((x) => x.action === 'units.write: POST /api/v1/units')).toBe(false);
  });

  it('exports CSV that a spreadsheet opens safely', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/audit/export.csv`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel reads Vietnamese right
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^time_utc,id,at,actorUserId,actorName/);
    expect(lines.length).toBe((await entries()).length + 1);
    expect(lines.some((l) => /^\d{4}-\d\d-\d\dT.*,admin,admin,/.test(l))).toBe(true);
  });

  it('has no path that changes or deletes an entry', async () => {
    const writers = server.running.app.routeAccess.filter(
      (r) => r.url.startsWith('/api/v1/audit') && r.method !== 'GET' && r.method !== 'HEAD',
    );
    expect(writers).toEqual([]);
    const first = (await entries()).at(-1)!;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await server.api(
        method,
        `/api/v1/audit/${first.id}`,
        method === 'DELETE' ? undefined : { outcome: 'ok' },
      );
      expect(res.status).toBe(404);
    }
    expect((await entries()).at(-1)).toEqual(first);
    // The database refuses too (migration 0002), whatever code might try.
    const sqlite = (await import('better-sqlite3')).default;
    const db = new sqlite(`${server.dataDir}/nguon.sqlite`);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'ok'").run()).toThrow(/append-only/);
    db.close();
  });
});
