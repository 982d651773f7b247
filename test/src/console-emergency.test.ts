import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { uploadToLibrary, waitForJob } from './support/library.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * The emergency API (issue 7: `POST /api/v1/emergencies`, `GET /api/v1/emergencies/:id` with reach,
 * server-sent events on `/api/v1/emergencies/:id/events`) is built on another branch. Until it is merged
 * this file reports a todo, not a pass; the lead sets this to true when merging, and adjusts
 * web-console/src/api/emergencies.ts if the merged API's shapes differ from what it expects.
 */
const EMERGENCY_API_MERGED = false;

const PASSWORD = 'mat-khau-thu-nghiem';
const RECEIVERS = 6;
const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';

describe('the live and emergency console in chromium', () => {
  if (!EMERGENCY_API_MERGED) {
    it.todo('a province operator starts an emergency and watches reach reach 100% (needs the emergency API, issue 7)');
    return;
  }

  let server: TestServer;
  let browser: TestBrowser;
  let fleet: Fleet;
  let fleetDir: string;

  beforeAll(async () => {
    server = await startTestServer();
    const user = { username: 'vanhanh.tinh', displayName: 'Vận hành tỉnh', role: 'province_operator', unitCode: '46' };
    const created = await server.api('POST', '/api/v1/users', { ...user, password: PASSWORD });
    if (created.status !== 201) throw new Error(`user: ${created.status} ${JSON.stringify(created.body)}`);
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

    await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
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
});
