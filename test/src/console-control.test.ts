import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

const PASSWORD = 'mat-khau-thu-nghiem';
const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';

/**
 * Issue 5 in the console: an operator changes a simulated receiver's volume from its page (the real agent
 * in the fleet simulator answers over MQTT) and the command history shows the receiver's reply "ok"; the
 * receiver's next heartbeat carries the new volume.
 */
describe('remote control from the receivers page in chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let fleet: Fleet;
  let fleetDir: string;
  let deviceId = '';

  beforeAll(async () => {
    server = await startTestServer();
    const user = {
      username: 'canbo.xa',
      displayName: 'Cán bộ đài phường',
      role: 'commune_operator',
      unitCode: '19753',
    };
    const created = await server.api('POST', '/api/v1/users', { ...user, password: PASSWORD });
    if (created.status !== 201) throw new Error(`user: ${created.status} ${JSON.stringify(created.body)}`);
    const unit = server.running.services.units.byCode('19753')!;
    const { device, secret } = server.running.services.devices.register({ unitId: unit.id, name: 'Cụm loa chợ' });
    deviceId = device.id;
    fleetDir = await mkdtemp(path.join(tmpdir(), 'nguon-console-control-'));
    fleet = createFleet({
      devices: [{ deviceId, secret }],
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
  });

  it('an operator sets a receiver volume and sees the reply "ok" in the command history', async () => {
    const page = browser.page;
    await browser.login(server.baseUrl, 'canbo.xa', PASSWORD);
    await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Cụm loa' }).click();
    await page.getByRole('link', { name: 'Cụm loa chợ' }).click();
    await page.getByRole('heading', { name: 'Điều khiển', exact: true }).waitFor();
    await page.getByText('Chưa có lệnh nào.').waitFor();

    await page.getByRole('slider').fill('37');
    await page.getByRole('button', { name: 'Đặt âm lượng' }).click();
    const row = page.getByTestId('command-history').getByRole('row', { name: /Âm lượng 37/ });
    await row.getByText('ok', { exact: true }).waitFor({ timeout: 60_000 });

    const history = await server.api<{
      commands: Array<{ type: string; status: string; payload: { volume?: number } }>;
    }>('GET', `/api/v1/devices/${deviceId}/commands`);
    expect(history.body.commands[0]).toMatchObject({ type: 'setVolume', status: 'ok', payload: { volume: 37 } });
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { health: { volume: number } | null } | null }>(
          'GET',
          `/api/v1/devices/${deviceId}`,
        );
        expect(res.body.status?.health?.volume).toBe(37);
      },
      { timeout: 30_000, interval: 500 },
    );
    await browser.screenshots('receiver-command-history');
  }, 120_000);
});
