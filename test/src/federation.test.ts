import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet, type FleetDevice } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { sameAddressEnv, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';
const WAIT = { timeout: 45_000, interval: 250 };
const LONG = 180_000;

interface ProvinceView {
  code: string;
  receiversOnline: number;
  receiversTotal: number;
  lastContactAt: number | null;
  playsToday: number;
  playLogs: number;
  schedules: number;
  stations: Array<{ id: string; name: string }>;
}
interface UplinkStatus {
  enabled: boolean;
  lastSuccessAt: number | null;
  lastError: { message: string } | null;
  consecutiveFailures: number;
  sent: { playlog: number };
  backlog: { status: number; playlog: number; schedule: number };
  nationalBulletins: { scheduled: number; failed: unknown[] };
}

/**
 * Issue 8, item 6: two province servers and one national server, all real, each province with fleet
 * agents. Provinces push status and play logs; the national view counts them; an outage of the national
 * server loses nothing and doubles nothing; a national bulletin comes down to one province only.
 */
describe('federation: two provinces report to one national server', () => {
  let national: TestServer;
  let dataDir: string;
  const provinces: Record<
    'hue' | 'dng',
    { server: TestServer; fleet: Fleet; ids: string[]; env: Record<string, string> }
  > = {} as never;
  const fleets: Fleet[] = [];
  let tone = '';

  const overview = async () => {
    const res = await national.api<{ provinces: ProvinceView[] }>('GET', '/api/national/overview');
    expect(res.status).toBe(200);
    return Object.fromEntries(res.body.provinces.map((p) => [p.code, p]));
  };
  const uplink = async (s: TestServer) => (await s.api<UplinkStatus>('GET', '/api/uplink/status')).body;
  const logCount = async (s: TestServer, ids: string[]) => {
    let n = 0;
    for (const id of ids) n += (await s.api<{ logs: unknown[] }>('GET', `/api/v1/devices/${id}/logs`)).body.logs.length;
    return n;
  };
  async function playEverywhere(s: TestServer, ids: string[]) {
    const up = await uploadFile(s, tone, 'ban-tin.wav');
    expect(up.status).toBe(201);
    const sha256 = (up.body as { sha256: string }).sha256;
    for (const id of ids) expect((await s.api('POST', `/api/v1/devices/${id}/play`, { sha256 })).status).toBe(202);
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-federation-'));
    tone = await makeTone({ seconds: 1, format: 'wav' });
    // Its own folder, which close() leaves in place: the national server is restarted on it below.
    await mkdir(path.join(dataDir, 'national'));
    national = await startTestServer({
      NGUON_NATIONAL_ENABLED: 'true',
      NGUON_DATA_DIR: path.join(dataDir, 'national'),
    });
    const tokens: Record<string, string> = {};
    for (const [code, name] of [
      ['46', 'Thành phố Huế'],
      ['48', 'Thành phố Đà Nẵng'],
    ] as const) {
      const res = await national.api<{ token: string }>('POST', '/api/national/provinces', { code, name });
      expect(res.status).toBe(201);
      tokens[code] = res.body.token;
    }
    const start = async (key: 'hue' | 'dng', code: string, receivers: number) => {
      await mkdir(path.join(dataDir, `${key}-server`));
      const env = {
        NGUON_DATA_DIR: path.join(dataDir, `${key}-server`),
        NGUON_UPLINK_URL: `${national.baseUrl}/api/national`,
        NGUON_UPLINK_TOKEN: tokens[code]!,
        NGUON_UPLINK_STATION_ID: `ST-${code}`,
        NGUON_UPLINK_STATION_NAME: `Đài nguồn ${code}`,
        NGUON_UPLINK_PROVINCE_CODE: code,
        NGUON_UPLINK_INTERVAL_S: '0.5',
        NGUON_UPLINK_TIMEOUT_S: '3',
      };
      const server = await startTestServer(env);
      const unit = server.running.services.units.byCode('19753')!;
      const devices: FleetDevice[] = Array.from({ length: receivers }, (_, i) => {
        const r = server.running.services.devices.register({ unitId: unit.id, name: `Cụm loa ${code}-${i}` });
        return { deviceId: r.device.id, secret: r.secret };
      });
      const fleet = createFleet({
        devices,
        brokerUrl: server.running.brokerUrl,
        dataDir: path.join(dataDir, key),
        heartbeatIntervalS: 2,
        logLevel: LOG_LEVEL,
      });
      fleets.push(fleet);
      await fleet.start();
      provinces[key] = { server, fleet, ids: devices.map((d) => d.deviceId), env };
    };
    await start('hue', '46', 2);
    await start('dng', '48', 3);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.stop()));
    for (const p of Object.values(provinces)) await p.server.close();
    await national?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  it(
    'shows both provinces with their receivers online and their plays counted',
    async () => {
      const { hue, dng } = provinces;
      await vi.waitFor(async () => {
        const o = await overview();
        expect(o['46']).toMatchObject({ receiversOnline: 2, receiversTotal: 2, stations: [{ id: 'ST-46' }] });
        expect(o['48']).toMatchObject({ receiversOnline: 3, receiversTotal: 3, stations: [{ id: 'ST-48' }] });
      }, WAIT);
      await playEverywhere(hue.server, hue.ids);
      await playEverywhere(dng.server, dng.ids.slice(0, 1));
      // Each play logs started + finished on its receiver; the national side holds exactly those.
      await vi.waitFor(async () => {
        expect(await logCount(hue.server, hue.ids)).toBe(4);
        expect(await logCount(dng.server, dng.ids)).toBe(2);
        const o = await overview();
        expect(o['46']).toMatchObject({ playsToday: 2, playLogs: 4 });
        expect(o['48']).toMatchObject({ playsToday: 1, playLogs: 2 });
      }, WAIT);
      expect((await uplink(hue.server)).backlog.playlog).toBe(0);
    },
    LONG,
  );

  it(
    'loses and doubles nothing while the national server is down',
    async () => {
      const { hue } = provinces;
      const env = { ...sameAddressEnv(national), NGUON_NATIONAL_ENABLED: 'true' };
      await national.close();
      await playEverywhere(hue.server, hue.ids);
      await vi.waitFor(async () => {
        expect(await logCount(hue.server, hue.ids)).toBe(8);
        const s = await uplink(hue.server);
        expect(s.consecutiveFailures).toBeGreaterThan(0);
        expect(s.lastError?.message).toBeTruthy();
        expect(s.backlog.playlog).toBe(4);
      }, WAIT);
      // Statuses coalesce: at most one pending per receiver however long the outage lasts.
      expect((await uplink(hue.server)).backlog.status).toBeLessThanOrEqual(2);
      // The province restarts too, with its backlog on disk.
      const hueEnv = { ...hue.env, ...sameAddressEnv(hue.server) };
      await hue.server.close();
      hue.server = await startTestServer(hueEnv);
      expect((await uplink(hue.server)).backlog.playlog).toBe(4);

      national = await startTestServer(env);
      await vi.waitFor(async () => {
        const o = await overview();
        expect(o['46']).toMatchObject({ playsToday: 4, playLogs: 8, receiversOnline: 2 });
        expect(o['48']).toMatchObject({ playsToday: 1, playLogs: 2, receiversOnline: 3 });
        const s = await uplink(hue.server);
        expect(s.backlog).toEqual({ status: expect.any(Number), playlog: 0, schedule: 0 });
        expect(s.consecutiveFailures).toBe(0);
      }, WAIT);
      // Since the province restarted, it marked sent exactly the 4 logs of the outage: none twice.
      expect((await uplink(hue.server)).sent.playlog).toBe(4);
      // A province token is the only way in, and a batch with nonsense is refused with its reason.
      const bad = await fetch(`${national.baseUrl}/api/national/v1/playlogs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
        body: '{}',
      });
      expect(bad.status).toBe(401);
    },
    LONG,
  );

  it(
    'sends a national bulletin down to one province, scheduled there with national origin',
    async () => {
      const { hue, dng } = provinces;
      const up = await uploadFile(national, tone, 'trung-uong.wav');
      expect(up.status).toBe(201);
      const at = new Date(Date.now() + 3 * 3_600_000).toISOString();
      const pub = await national.api<{ id: string }>('POST', '/api/national/v1/bulletins', {
        MucDoUuTien: 2,
        TieuDe: 'Thông báo của trung ương',
        NoiDungTomTat: 'Phòng chống bão',
        LichPhat: { ThoiDiemBatDau: at },
        Sha256: (up.body as { sha256: string }).sha256,
        DanhSachTinh: [{ MaTinh: '46', DanhSachDiaBan: ['19753'] }],
      });
      expect(pub.status).toBe(201);

      interface Sched {
        id: number;
        unitId: number;
        title: string;
        bulletinId: number;
        targets: unknown[];
      }
      const mine = async (s: TestServer) =>
        (await s.api<{ schedules: Sched[] }>('GET', '/api/v1/schedules')).body.schedules.filter(
          (x) => x.title === 'Thông báo của trung ương',
        );
      const schedule = await vi.waitFor(async () => {
        const found = await mine(hue.server);
        expect(found).toHaveLength(1);
        return found[0]!;
      }, WAIT);
      const vn = hue.server.running.services.units.byCode('VN')!;
      expect(vn.level).toBe('national');
      expect(schedule).toMatchObject({ unitId: vn.id, targets: [{ unit: '19753' }] });
      const bulletin = await hue.server.api<{ bulletin: { current: Record<string, unknown> } }>(
        'GET',
        `/api/v1/bulletins/${schedule.bulletinId}`,
      );
      expect(bulletin.body.bulletin.current).toMatchObject({
        priority: 2,
        state: 'approved',
        summary: 'Phòng chống bão',
      });
      // On the receivers' programme, from the national origin.
      await vi.waitFor(async () => {
        const pl = await hue.server.api<{ items: Array<{ title: string }> }>(
          'GET',
          `/api/v1/devices/${hue.ids[0]}/playlist`,
        );
        expect(JSON.stringify(pl.body)).toContain('Thông báo của trung ương');
      }, WAIT);

      // The national-origin schedule is reported back up like any other.
      await vi.waitFor(async () => expect((await overview())['46']?.schedules).toBe(1), WAIT);

      // Pulled again from the start (a lost cursor): still one bulletin and one schedule (idempotent by id).
      hue.server.running.services.uplink.outbox.setState('bulletinSeq', '0');
      const before = (await uplink(hue.server)).lastSuccessAt ?? 0;
      await vi.waitFor(
        async () => expect((await uplink(hue.server)).lastSuccessAt).toBeGreaterThan(before + 1000),
        WAIT,
      );
      expect(await mine(hue.server)).toHaveLength(1);
      const all = await hue.server.api<{ bulletins: Array<{ current: { title: string } }> }>(
        'GET',
        '/api/v1/bulletins',
      );
      expect(all.body.bulletins.filter((b) => b.current.title === 'Thông báo của trung ương')).toHaveLength(1);
      expect((await uplink(hue.server)).nationalBulletins).toMatchObject({ scheduled: 1, failed: [] });
      // None in the other province.
      expect(await mine(dng.server)).toHaveLength(0);
      expect((await uplink(dng.server)).nationalBulletins).toMatchObject({ scheduled: 0 });

      // A bulletin for a unit the province does not have is refused there with the reason; the queue moves on.
      const wrong = await national.api('POST', '/api/national/v1/bulletins', {
        MucDoUuTien: 3,
        TieuDe: 'Sai địa bàn',
        LichPhat: { ThoiDiemBatDau: at },
        Sha256: (up.body as { sha256: string }).sha256,
        DanhSachTinh: [{ MaTinh: '48', DanhSachDiaBan: ['99999'] }],
      });
      expect(wrong.status).toBe(201);
      await vi.waitFor(async () => {
        const s = await uplink(dng.server);
        expect(s.nationalBulletins).toMatchObject({
          scheduled: 0,
          failed: [{ error: expect.stringMatching(/99999/) }],
        });
        expect(s.consecutiveFailures).toBe(0);
      }, WAIT);
      expect(await mine(dng.server)).toHaveLength(0);
    },
    LONG,
  );
});
