import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { uploadToLibrary, waitForJob } from './support/library.js';
import { startTestServer, type TestServer } from './support/server.js';

const PASSWORD = 'mat-khau-thu-nghiem';
const RECEIVERS = 6;
const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';

/**
 * Issue 7 in the console: a province operator starts an emergency on the province's communes, where
 * simulated receivers (the real agent in the fleet simulator) play it; the reach fills up live to 100 %,
 * the operator stops it; a viewer sees it but has no controls.
 */
describe('the live and emergency console in chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let fleet: Fleet;
  let fleetDir: string;

  beforeAll(async () => {
    server = await startTestServer();
    const user = { username: 'vanhanh.tinh', displayName: 'Vận hành tỉnh', role: 'province_operator', unitCode: '46' };
    const viewer = { username: 'nguoi.xem', displayName: 'Người xem', role: 'viewer', unitCode: '46' };
    for (const u of [user, viewer]) {
      const created = await server.api('POST', '/api/v1/users', { ...u, password: PASSWORD });
      if (created.status !== 201) throw new Error(`user: ${created.status} ${JSON.stringify(created.body)}`);
    }
    const up = await uploadToLibrary(server, await makeTone({ seconds: 20, format: 'wav' }), {
      unitCode: '46',
      title: 'Cảnh báo bão khẩn cấp',
    });
    if (up.status === 202) await waitForJob(server, up.body.job.id);
    // Receivers in every demo commune of the province: the emergency targets the province's subtree.
    const devices = ['19753', '19774', '20014', '20104'].flatMap((code, c) =>
      Array.from({ length: Math.ceil(RECEIVERS / 4) }, (_, i) => {
        const unit = server.running.services.units.byCode(code)!;
        return server.running.services.devices.register({ unitId: unit.id, name: `Loa ${c}-${i}` });
      }),
    );
    fleetDir = await mkdtemp(path.join(tmpdir(), 'nguon-console-emergency-'));
    fleet = createFleet({
      devices: devices.map(({ device, secret }) => ({ deviceId: device.id, secret })),
      brokerUrl: server.running.brokerUrl,
      dataDir: fleetDir,
      heartbeatIntervalS: 2,
      logLevel: LOG_LEVEL,
    });
    await fleet.start();
    await fleet.untilConnected();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await server?.close();
    if (fleetDir) await rm(fleetDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  it('a province operator starts an emergency and watches reach reach 100% of the receivers, then stops it', async () => {
    const page = browser.page;
    await browser.login(server.baseUrl, 'vanhanh.tinh', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Phát trực tiếp và khẩn cấp' })
      .click();
    await page.getByLabel('Tên thông báo khẩn').fill('Bão số 3 — sơ tán khẩn cấp');
    await page.getByLabel('Âm thanh phát').selectOption({ label: 'Cảnh báo bão khẩn cấp' });
    await page.getByLabel('Phát tới').selectOption('46');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Phát khẩn cấp ngay' }).click();

    const total = fleet.members().length;
    const reach = page.getByTestId('reach');
    await reach.getByText(`${total}/${total} cụm loa đang phát (100 %)`).waitFor({ timeout: 60_000 });
    await browser.screenshots('emergency-reach');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
    await reach.getByText(`${total}/${total} cụm loa đã phát (100 %)`).waitFor({ timeout: 30_000 });
    const listed = await server.api<{ emergencies: Array<{ title: string; state: string; actorLabel: string }> }>(
      'GET',
      '/api/v1/emergencies',
    );
    expect(listed.body.emergencies).toMatchObject([
      { title: 'Bão số 3 — sơ tán khẩn cấp', state: 'stopped', actorLabel: 'vanhanh.tinh' },
    ]);
    await vi.waitFor(
      async () => {
        const res = await server.api<{ devices: Array<{ status: { health: { playing: unknown } | null } | null }> }>(
          'GET',
          '/api/v1/devices',
        );
        expect(res.body.devices.filter((d) => d.status?.health?.playing)).toEqual([]);
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(fleet.stats().errors).toBe(0);
  }, 180_000);

  it('a viewer sees the emergencies but no controls to start or stop one', async () => {
    const page = browser.page;
    await browser.login(server.baseUrl, 'nguoi.xem', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Phát trực tiếp và khẩn cấp' })
      .click();
    await page.getByText('Tài khoản này chỉ được xem các lần phát khẩn cấp.').waitFor();
    await page.getByRole('button', { name: 'Bão số 3 — sơ tán khẩn cấp' }).click();
    await page.getByTestId('reach').waitFor();
    expect(await page.getByRole('button', { name: 'Phát khẩn cấp ngay' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).count()).toBe(0);
    expect(await page.getByLabel('Tên thông báo khẩn').count()).toBe(0);
  }, 60_000);
});
