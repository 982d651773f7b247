import { type Playlist, topics } from '@nguon/protocols';
import { formatVn } from '@nguon/schemas';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { connectRaw } from './support/mqtt.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

const MIN = 60_000;
/** Vietnam wall time `minutes` from now, as an operator would type it (no offset). */
const vnLocal = (ms: number) => formatVn(ms).replace(' ', 'T');

describe('schedules: rules, priority conflicts, playlists pushed ahead, proof of play', () => {
  let server: TestServer;
  let offset = 0;
  const clock = () => Date.now() + offset;
  let device: RegisteredDevice;
  let client: MqttClient;
  const playlists: Playlist[] = [];
  const tokens: Record<string, string> = {};
  let communeBulletin = 0;
  let provinceBulletin = 0;
  let draftBulletin = 0;

  const post = <T = Record<string, unknown>>(url: string, body: unknown, who = 'xa') =>
    server.api<T>('POST', url, body, tokens[who]);
  const latest = () => playlists.at(-1);
  const waitForPlaylist = (check: (p: Playlist) => boolean) =>
    vi.waitFor(() => expect(playlists.some(check), JSON.stringify(latest()?.items.map((i) => i.key))).toBe(true), {
      timeout: 10_000,
      interval: 20,
    });

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    for (const [u, role, unit] of [
      ['xa', 'commune_operator', '19753'],
      ['ld', 'approver', '19753'],
      ['tinh', 'province_operator', '46'],
      ['xa2', 'commune_operator', '19774'],
    ] as const) {
      await server.api('POST', '/api/v1/users', {
        username: `${u}.user`,
        displayName: u,
        password: 'schedule-pass-1',
        role,
        unitCode: unit,
      });
      tokens[u] = (
        await server.api<{ token: string }>(
          'POST',
          '/api/v1/auth/login',
          { username: `${u}.user`, password: 'schedule-pass-1' },
          null,
        )
      ).body.token;
    }
    tokens.admin = server.adminToken;
    const up = await uploadFile(server, await makeTone({ seconds: 3, format: 'mp3' }), 'tin.mp3', tokens.xa!);
    const sha = (up.body as { sha256: string }).sha256;
    const bulletin = async (who: string, body: Record<string, unknown>, approve = true) => {
      const b = await post<{ bulletin: { id: number } }>(
        '/api/v1/bulletins',
        { items: [{ sha256: sha }], ...body },
        who,
      );
      if (approve) {
        await post(`/api/v1/bulletins/${b.body.bulletin.id}/submit`, undefined, who);
        await post(`/api/v1/bulletins/${b.body.bulletin.id}/approve`, undefined, 'admin');
      }
      return b.body.bulletin.id;
    };
    communeBulletin = await bulletin('xa', { title: 'Tin xã' });
    provinceBulletin = await bulletin('tinh', { title: 'Tin tỉnh ưu tiên', priority: 2, unitCode: '46' });
    draftBulletin = await bulletin('xa', { title: 'Chưa duyệt' }, false);

    device = await registerDevice(server, '19753', 'Loa thôn 2');
    client = await connectRaw(device.brokerUrl, device.deviceId, device.secret);
    client.on('message', (_t, payload) => {
      if (payload.length) playlists.push(JSON.parse(payload.toString()) as Playlist);
    });
    await client.subscribeAsync(topics.devicePlaylist(device.deviceId), { qos: 1 });
  });
  afterAll(async () => {
    client?.end(true);
    await server?.close();
    await removeTestAudio();
  });

  it('pushes a new schedule to the receiver as a versioned playlist item at the Vietnam time entered', async () => {
    const at = clock() + 30 * MIN;
    const res = await post<{ schedule: { id: number; next: Array<{ local: string }> } }>('/api/v1/schedules', {
      bulletinId: communeBulletin,
      recurrence: { kind: 'once', at: vnLocal(at) },
      targets: [{ unit: '19753' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.schedule.next[0]?.local).toBe(formatVn(at));
    await waitForPlaylist((p) => p.items.some((i) => i.key.startsWith(`s${res.body.schedule.id}r1`)));
    const item = latest()!.items.find((i) => i.key.startsWith(`s${res.body.schedule.id}r1`))!;
    expect(Math.abs(item.startAt - at)).toBeLessThan(MIN);
    expect(item.media[0]!.url).toMatch(/\/api\/v1\/media\/[0-9a-f]{64}\/file$/);
    expect(item.durationMs).toBeGreaterThan(2900);
  });

  it('reports a conflict with the resolution the rules give, and applies it once accepted', async () => {
    const at = clock() + 90 * MIN;
    const mine = await post<{ schedule: { id: number } }>('/api/v1/schedules', {
      bulletinId: communeBulletin,
      recurrence: { kind: 'once', at: vnLocal(at) },
      targets: [{ device: device.deviceId }],
    });
    expect(mine.status).toBe(201);
    const body = {
      bulletinId: provinceBulletin,
      recurrence: { kind: 'once', at: vnLocal(at) },
      targets: [{ unit: '46' }],
      unitCode: '46',
    };
    const refused = await post<{
      error: { details: { conflicts: Array<{ scheduleId: number; resolution: string }> } };
    }>('/api/v1/schedules', body, 'tinh');
    expect(refused.status).toBe(409);
    const conflict = refused.body.error.details.conflicts.find((c) => c.scheduleId === mine.body.schedule.id);
    expect(conflict?.resolution).toMatch(/yours plays first/);
    const accepted = await post<{ schedule: { id: number } }>(
      '/api/v1/schedules',
      { ...body, acceptConflicts: true },
      'tinh',
    );
    expect(accepted.status).toBe(201);
    // Priority from the province plays at its time; the commune's normal item moves after it.
    await waitForPlaylist((p) => p.items.some((i) => i.key.startsWith(`s${accepted.body.schedule.id}r1`)));
    const items = latest()!.items;
    const province = items.find((i) => i.key.startsWith(`s${accepted.body.schedule.id}r`))!;
    const commune = items.find((i) => i.key.startsWith(`s${mine.body.schedule.id}r`))!;
    expect(commune.startAt).toBe(province.startAt + province.durationMs);
  });

  it('propagates pause and cancel, and records cancelled plans', async () => {
    const s = await post<{ schedule: { id: number } }>('/api/v1/schedules', {
      bulletinId: communeBulletin,
      recurrence: { kind: 'daily', time: '05:15' },
      targets: [{ unit: '19753' }],
      acceptConflicts: true,
    });
    const has = (p: Playlist) => p.items.some((i) => i.key.startsWith(`s${s.body.schedule.id}r`));
    await waitForPlaylist(has);
    const versionBefore = latest()!.version;
    expect((await post(`/api/v1/schedules/${s.body.schedule.id}/pause`, undefined)).status).toBe(200);
    await waitForPlaylist((p) => p.version > versionBefore && !has(p));
    expect((await post(`/api/v1/schedules/${s.body.schedule.id}/resume`, undefined)).status).toBe(200);
    await waitForPlaylist((p) => has(p) && p.version > versionBefore);
    expect((await post(`/api/v1/schedules/${s.body.schedule.id}/cancel`, undefined)).status).toBe(200);
    await waitForPlaylist((p) => !has(p) && p.items.length > 0);
    expect((await post(`/api/v1/schedules/${s.body.schedule.id}/resume`, undefined)).status).toBe(409);
  });

  it('marks an item played from its logs, and missed when no log comes', async () => {
    const playsAt = clock() + 10 * MIN;
    const s = await post<{ schedule: { id: number } }>('/api/v1/schedules', {
      bulletinId: communeBulletin,
      recurrence: { kind: 'once', at: vnLocal(playsAt) },
      targets: [{ device: device.deviceId }],
      acceptConflicts: true,
    });
    await waitForPlaylist((p) => p.items.some((i) => i.key.startsWith(`s${s.body.schedule.id}r`)));
    const key = latest()!.items.find((i) => i.key.startsWith(`s${s.body.schedule.id}r`))!.key;
    offset += 30 * MIN;
    expect(server.running.services.proof.sweepMissed()).toBeGreaterThan(0);
    const report = async () =>
      (
        await server.api<{ items: Array<{ occurrenceKey: string; status: string }> }>(
          'GET',
          `/api/v1/devices/${device.deviceId}/schedule-report?from=${new Date(playsAt - 60 * MIN).toISOString()}&to=${new Date(playsAt + 60 * MIN).toISOString()}`,
        )
      ).body.items;
    expect((await report()).find((i) => i.occurrenceKey === key)?.status).toBe('missed');
    // A receiver that played offline reports late: the late proof wins over "missed".
    const log = (event: string) =>
      client.publishAsync(
        topics.deviceLog(device.deviceId),
        JSON.stringify({
          v: 1,
          id: crypto.randomUUID(),
          ts: Date.now(),
          playId: key,
          sha256: 'a'.repeat(64),
          event,
          startedAt: playsAt,
          endedAt: playsAt + 3000,
        }),
        { qos: 1 },
      );
    await log('started');
    await log('finished');
    await vi.waitFor(async () => expect((await report()).find((i) => i.occurrenceKey === key)?.status).toBe('played'), {
      timeout: 5000,
    });
    const unit = await server.api<{ totals: Record<string, number> }>(
      'GET',
      `/api/v1/units/19753/schedule-report?from=${new Date(playsAt - 60 * MIN).toISOString()}&to=${new Date(playsAt + 60 * MIN).toISOString()}`,
    );
    expect(unit.body.totals.played).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an invalid cron', { recurrence: { kind: 'cron', expr: 'at seven every day' } }, 'xa', 400, /cron/],
    [
      'a start after the end',
      { recurrence: { kind: 'daily', time: '06:00' }, startDate: '2027-02-01', endDate: '2027-01-01' },
      'xa',
      400,
      /after the end/,
    ],
    ['a target outside the scope', { targets: [{ unit: '19774' }] }, 'xa', 403, /outside/],
    ['a bulletin not approved', { bulletinId: -1 }, 'xa', 422, /approved/],
    ['a one-off in the past', { recurrence: { kind: 'once', at: '2020-01-01T07:00' } }, 'xa', 400, /past/],
    ['a bulletin of another commune', { targets: [{ unit: '19774' }] }, 'xa2', 403, /reach/],
    ['an own order on a normal item', { ownOrder: 1 }, 'xa', 422, /order among themselves/],
    ['an own order out of range', { ownOrder: 0 }, 'xa', 400, /ownOrder/],
  ])('refuses %s clearly and schedules nothing', async (_n, over, who, status, message) => {
    const count = async () =>
      (await server.api<{ schedules: unknown[] }>('GET', '/api/v1/schedules')).body.schedules.length;
    const before = await count();
    const body = {
      bulletinId: communeBulletin,
      recurrence: { kind: 'daily', time: '06:00' },
      targets: [{ unit: '19753' }],
      ...over,
    };
    if (body.bulletinId === -1) body.bulletinId = draftBulletin;
    const res = await post('/api/v1/schedules', body, who);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(message);
    expect(await count()).toBe(before);
  });
});
