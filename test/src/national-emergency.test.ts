import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { makeTone, removeTestAudio } from './support/audio.js';
import { emergencyOf, waitReach } from './support/emergency.js';
import { approvedBulletin, scheduleOnce } from './support/schedule.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

const WAIT = { timeout: 60_000, interval: 200 };

/**
 * Mission §3 and issue 7: a national emergency-level bulletin (MucDoUuTien 1) coming down the national
 * link is played at once, interrupting everything, on the targeted area only, as an emergency of the
 * province's emergency service. Real national and province servers, a real agent process.
 */
describe('national emergency bulletin', () => {
  let national: TestServer;
  let province: TestServer;
  let dataDir = '';
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-national-emergency-'));
    await mkdir(path.join(dataDir, 'national'));
    await mkdir(path.join(dataDir, 'province'));
    national = await startTestServer({
      NGUON_NATIONAL_ENABLED: 'true',
      NGUON_DATA_DIR: path.join(dataDir, 'national'),
    });
    const fed = await national.api<{ token: string }>('POST', '/api/national/provinces', {
      code: '46',
      name: 'Thành phố Huế',
    });
    expect(fed.status).toBe(201);
    province = await startTestServer({
      NGUON_DATA_DIR: path.join(dataDir, 'province'),
      NGUON_UPLINK_URL: `${national.baseUrl}/api/national`,
      NGUON_UPLINK_TOKEN: fed.body.token,
      NGUON_UPLINK_STATION_ID: 'ST-46',
      NGUON_UPLINK_STATION_NAME: 'Đài nguồn 46',
      NGUON_UPLINK_PROVINCE_CODE: '46',
      NGUON_UPLINK_INTERVAL_S: '0.5',
      NGUON_UPLINK_TIMEOUT_S: '3',
    });
  }, 120_000);
  afterAll(async () => {
    for (const a of agents) await a.kill('SIGKILL');
    await province?.close();
    await national?.close();
    for (const a of agents) await rm(a.dir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  async function startAgent(unitCode: string): Promise<{ device: RegisteredDevice; agent: AgentProcess }> {
    const device = await registerDevice(province, unitCode, `Loa ${unitCode}`);
    const agent = await spawnAgent({ ...device, player: 'null', heartbeatIntervalS: 2 });
    agents.push(agent);
    await vi.waitFor(async () => {
      const r = await province.api<{ status: { online: boolean } | null }>('GET', `/api/v1/devices/${device.deviceId}`);
      expect(r.body.status?.online ?? false, agent.output().slice(-2000)).toBe(true);
    }, WAIT);
    return { device, agent };
  }
  const plays = (agent: AgentProcess, playId: string, event: string) =>
    agent.lines().filter((l) => l.msg === 'playback' && l.playId === playId && l.event === event);

  it('starts an emergency at once on the targeted commune, interrupting its programme; never twice', async () => {
    const inside = await startAgent('19753');
    const outside = await startAgent('19774');
    const programme = await approvedBulletin(province, 60);
    const { key } = await scheduleOnce(province, programme.bulletinId, Date.now() + 10_000, [{ unit: '19753' }]);
    await vi.waitFor(() => expect(plays(inside.agent, key, 'started')).toHaveLength(1), WAIT);

    const up = await uploadFile(national, await makeTone({ seconds: 2, format: 'wav' }), 'khan-cap.wav');
    expect(up.status).toBe(201);
    // Its start time is hours away: emergency level does not wait for it.
    const pub = await national.api('POST', '/api/national/v1/bulletins', {
      MucDoUuTien: 1,
      TieuDe: 'Cảnh báo sóng thần',
      LichPhat: { ThoiDiemBatDau: new Date(Date.now() + 3 * 3_600_000).toISOString(), SoLanPhat: 2 },
      Sha256: (up.body as { sha256: string }).sha256,
      DanhSachTinh: [{ MaTinh: '46', DanhSachDiaBan: ['19753'] }],
    });
    expect(pub.status).toBe(201);

    const emergency = await vi.waitFor(async () => {
      const r = await province.api<{ emergencies: Array<{ id: string; title: string; origin: string }> }>(
        'GET',
        '/api/v1/emergencies',
      );
      const found = r.body.emergencies.filter((e) => e.title === 'Cảnh báo sóng thần');
      expect(found).toHaveLength(1);
      return found[0]!;
    }, WAIT);
    expect(emergency.origin).toBe('national');

    // On the receiver: the programme is interrupted by the emergency, which plays twice to the end.
    await vi.waitFor(() => {
      const [interrupted] = plays(inside.agent, key, 'interrupted');
      expect(String(interrupted?.reason)).toContain(emergency.id);
    }, WAIT);
    const { reach } = await waitReach(province, emergency.id, (r) => expect(r.finished).toBe(1));
    expect(reach).toMatchObject({ targeted: 1, received: 1, started: 1, failed: 0 });
    expect(plays(inside.agent, emergency.id, 'finished')).toHaveLength(1);
    // The neighbouring commune was not targeted and heard nothing of it.
    expect(outside.agent.lines().filter((l) => JSON.stringify(l).includes(emergency.id))).toHaveLength(0);

    // Not a schedule; counted as an emergency in the link's status.
    const schedules = await province.api<{ schedules: Array<{ title: string }> }>('GET', '/api/v1/schedules');
    expect(schedules.body.schedules.filter((s) => s.title === 'Cảnh báo sóng thần')).toHaveLength(0);
    const status = async () =>
      (
        await province.api<{ lastSuccessAt: number | null; nationalBulletins: { emergencies: number } }>(
          'GET',
          '/api/uplink/status',
        )
      ).body;
    expect((await status()).nationalBulletins.emergencies).toBe(1);

    // The cursor lost, everything pulled again: no second emergency.
    province.running.services.uplink.outbox.setState('bulletinSeq', '0');
    const before = (await status()).lastSuccessAt ?? 0;
    await vi.waitFor(async () => expect((await status()).lastSuccessAt).toBeGreaterThan(before + 1000), WAIT);
    const all = await province.api<{ emergencies: Array<{ title: string }> }>('GET', '/api/v1/emergencies');
    expect(all.body.emergencies.filter((e) => e.title === 'Cảnh báo sóng thần')).toHaveLength(1);
    expect((await emergencyOf(province, emergency.id)).reach.targeted).toBe(1);
  }, 180_000);
});
