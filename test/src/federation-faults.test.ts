import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

const WAIT = { timeout: 45_000, interval: 200 };
const LONG = 120_000;

interface UplinkStatus {
  lastSuccessAt: number | null;
  lastError: { message: string } | null;
  consecutiveFailures: number;
  backlog: { status: number; playlog: number; schedule: number };
}

/** A national endpoint we control: it hangs, answers 500, or accepts, and records what it accepted. */
function fakeNational() {
  let mode: 'hang' | 'error' | 'ok' = 'hang';
  const accepted: Array<{ url: string; body: { DanhSach: Array<Record<string, unknown>> } }> = [];
  const hanging: ServerResponse[] = [];
  const gets: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      if (mode === 'hang') return void hanging.push(res);
      if (mode === 'error') return void res.writeHead(500).end('{"error":"boom"}');
      if (req.method === 'POST') accepted.push({ url: req.url ?? '', body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'GET') gets.push(req.url ?? '');
      // A malformed national bulletin first: the province must refuse it with the reason and move on.
      const bad = '{"DanhSach":[{"ThuTu":1,"BanTin":{"BanTinID":"tw-bad","MucDoUuTien":9}}]}';
      const pull = req.url?.endsWith('since=0') ? bad : '{"DanhSach":[]}';
      res.end(req.method === 'GET' ? pull : '{"DaNhan":1,"TrungLap":0}');
    });
  });
  return {
    server,
    accepted,
    gets,
    setMode(m: typeof mode) {
      mode = m;
    },
    close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('the uplink against a national endpoint that hangs or fails', () => {
  const fake = fakeNational();
  let province: TestServer;
  let deviceId = '';

  beforeAll(async () => {
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    const { port } = fake.server.address() as { port: number };
    province = await startTestServer({
      NGUON_UPLINK_URL: `http://127.0.0.1:${port}/api/national`,
      NGUON_UPLINK_TOKEN: 'a-province-token-for-tests',
      NGUON_UPLINK_INTERVAL_S: '0.3',
      NGUON_UPLINK_TIMEOUT_S: '0.5',
    });
    deviceId = (await registerDevice(province, '19753', 'Cụm loa thôn 1')).deviceId;
  }, LONG);
  afterAll(async () => {
    await province?.close();
    fake.close();
  });
  const status = async () => (await province.api<UplinkStatus>('GET', '/api/uplink/status')).body;

  it(
    'keeps answering while the national side hangs, gives up each call at its deadline and retries',
    async () => {
      await vi.waitFor(async () => {
        const s = await status();
        expect(s.consecutiveFailures).toBeGreaterThanOrEqual(2);
        expect(s.lastError?.message).toMatch(/timeout|abort/i);
        expect(s.backlog.status).toBe(1);
      }, WAIT);
      const t0 = performance.now();
      const [health, devices] = await Promise.all([
        province.api('GET', '/health'),
        province.api('GET', '/api/v1/devices'),
      ]);
      expect(health.status).toBe(200);
      expect(devices.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(2_000);
    },
    LONG,
  );

  it(
    'keeps rows queued on 500 and delivers them once the national side recovers',
    async () => {
      fake.setMode('error');
      await vi.waitFor(async () => expect((await status()).lastError?.message).toMatch(/HTTP 500/), WAIT);
      expect(fake.accepted).toHaveLength(0);
      expect((await status()).backlog.status).toBe(1);

      fake.setMode('ok');
      await vi.waitFor(async () => {
        const s = await status();
        expect(s.consecutiveFailures).toBe(0);
        expect(s.backlog).toEqual({ status: 0, playlog: 0, schedule: 0 });
      }, WAIT);
      await vi.waitFor(() => expect(fake.gets.at(-1)).toBe('/api/national/v1/bulletins?since=1'), WAIT);
      const inbox = (await province.api<{ nationalBulletins: unknown }>('GET', '/api/uplink/status')).body;
      expect(inbox.nationalBulletins).toMatchObject({
        cursor: 1,
        scheduled: 0,
        failed: [{ id: 'tw-bad', error: expect.stringMatching(/MucDoUuTien/) }],
      });
      const statusBatch = fake.accepted.find((a) => a.url === '/api/national/v1/status');
      expect(statusBatch?.body.DanhSach).toEqual([
        expect.objectContaining({
          CumLoaID: deviceId,
          DichID: '19753',
          TrangThaiHoatDong: 0,
          TenThietBi: 'Cụm loa thôn 1',
        }),
      ]);
    },
    LONG,
  );
});

describe('the national receiver refuses bad input and floods', () => {
  let national: TestServer;
  const tokens: Record<string, string> = {};
  const batch = (items: unknown[], extra: Record<string, unknown> = {}) => ({
    PhienBan: 1,
    NguonID: 'ST',
    TenNguon: 'Đài',
    ThoiDiemGui: new Date().toISOString(),
    DanhSach: items,
    ...extra,
  });
  const log = (key: string) => ({
    NhatKyID: key,
    CumLoaID: 'dev-1',
    BanTinID: null,
    LoaiBanTin: null,
    MucDoUuTien: null,
    TieuDe: 'Phát trực tiếp',
    LoaiLinhVuc: null,
    NoiDungTomTat: '',
    ThoiGianSanXuat: null,
    ThoiLuong: null,
    TacGia: '',
    ThoiDiemBatDau: new Date().toISOString(),
    ThoiDiemKetThuc: null,
    ThoiLuongDaPhat: null,
    SuKien: 'started',
    LyDo: null,
    TiepAm: false,
    NguonTiepAm: null,
    NguonTin: '',
    AmLuong: 70,
  });
  const post = async (path: string, body: unknown, token: string) => {
    const res = await fetch(`${national.baseUrl}/api/national/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    national = await startTestServer({ NGUON_NATIONAL_ENABLED: 'true', NGUON_NATIONAL_RATE_PER_MIN: '8' });
    for (const code of ['01', '79']) {
      const res = await national.api<{ token: string }>('POST', '/api/national/provinces', {
        code,
        name: `Tỉnh ${code}`,
      });
      tokens[code] = res.body.token;
    }
  }, LONG);
  afterAll(async () => national?.close());

  it(
    'refuses nonsense with the reason, a foreign province code, and stores a resent log once',
    async () => {
      const bad = await post('playlogs', batch([{ ...log('a'), SuKien: 'exploded', AmLuong: 400 }]), tokens['01']!);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toMatch(/SuKien/);
      expect(JSON.stringify(bad.body)).toMatch(/AmLuong/);
      const foreign = await post('playlogs', batch([log('a')], { MaTinh: '79' }), tokens['01']!);
      expect(foreign.status).toBe(403);

      expect((await post('playlogs', batch([log('a'), log('b')]), tokens['01']!)).body).toEqual({
        DaNhan: 2,
        TrungLap: 0,
      });
      expect((await post('playlogs', batch([log('b'), log('c')]), tokens['01']!)).body).toEqual({
        DaNhan: 1,
        TrungLap: 1,
      });
      const o = await national.api<{ provinces: Array<{ code: string; playLogs: number; playsToday: number }> }>(
        'GET',
        '/api/national/overview',
      );
      expect(o.body.provinces.find((p) => p.code === '01')).toMatchObject({ playLogs: 3, playsToday: 3 });
    },
    LONG,
  );

  it(
    'rate-limits a flood from one province without touching the others',
    async () => {
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await post('playlogs', batch([log(`f${i}`)]), tokens['01']!)).status);
      expect(codes).toContain(429);
      expect((await post('playlogs', batch([log('other')]), tokens['79']!)).status).toBe(200);
    },
    LONG,
  );
});
