import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConsoleFleet, startConsoleFleet } from './support/console-fleet.js';

interface AlertView {
  id: number;
  kind: string;
  state: string;
  devices: string[];
}

/**
 * Issues 8 and 9 in the console: a simulated receiver going offline raises the commune's alert (offline
 * threshold 0 min, rules every 0.5 s), which appears on an open dashboard through the alert stream
 * without a reload; the operator acknowledges it there, a viewer sees it but may not. A receiver's page
 * shows its health over time and its agent's events; the reports page charts uptime and exports CSV.
 */
describe('monitoring in the web console in chromium', () => {
  let c: ConsoleFleet;

  beforeAll(async () => {
    c = await startConsoleFleet({
      env: { NGUON_ALERT_OFFLINE_MIN: '0', NGUON_ALERT_EVAL_S: '0.5' },
      users: [
        { username: 'canbo.xa', displayName: 'Cán bộ đài phường', role: 'commune_operator', unitCode: '19753' },
        { username: 'nguoi.xem', displayName: 'Người xem', role: 'viewer', unitCode: '19753' },
      ],
      receivers: [
        { unitCode: '19753', name: 'Cụm loa chợ' },
        { unitCode: '19753', name: 'Cụm loa trường học' },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  const alerts = async () =>
    (await c.server.api<{ alerts: AlertView[] }>('GET', '/api/v1/alerts?state=active')).body.alerts;

  it('a receiver going offline shows up on the open dashboard without a reload, and is acknowledged', async () => {
    const page = c.browser.page;
    await c.login('canbo.xa');
    const panel = page.getByTestId('alerts');
    await panel.getByText('Cập nhật trực tiếp').waitFor();
    await panel.getByText('Không có cảnh báo nào.').waitFor();
    // A reload would lose this mark.
    await page.evaluate('window.__sameDocument = true');

    const offline = c.fleet.members()[0]!;
    await offline.agent.stop();
    const item = panel.getByRole('listitem').filter({ hasText: 'Mất kết nối' });
    await item.getByText('1 loa của Phường Thuận Hóa mất kết nối quá 0 phút', { exact: false }).waitFor({
      timeout: 30_000,
    });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // The alert refreshes the counts above it as well.
    await page.getByTestId('tile-offline').locator('.tile-value').getByText('1', { exact: true }).waitFor();
    await item.getByText('Đang mở').waitFor();
    const [open] = await alerts();
    expect(open).toMatchObject({ kind: 'device_offline', state: 'open', devices: [offline.deviceId] });
    await c.browser.screenshots('dashboard-alert-open');

    await item.getByRole('button', { name: /^Xác nhận cảnh báo: / }).click();
    await item.getByText('Đã xác nhận').waitFor();
    await page.getByRole('status').getByText('Đã xác nhận cảnh báo.').waitFor();
    expect(await item.getByRole('button').count()).toBe(0);
    expect((await alerts())[0]).toMatchObject({ id: open!.id, state: 'acknowledged' });
  }, 90_000);

  it('a viewer sees the alert but cannot acknowledge it', async () => {
    const page = c.browser.page;
    await c.login('nguoi.xem');
    const item = page.getByTestId('alerts').getByRole('listitem').filter({ hasText: 'Mất kết nối' });
    await item.getByText('Đã xác nhận').waitFor();
    expect(await item.getByRole('button').count()).toBe(0);
  });

  it("a receiver's page charts its health over time and lists its agent's events", async () => {
    const page = c.browser.page;
    const id = c.deviceIds[1]!;
    await vi.waitFor(
      async () => {
        const h = await c.server.api<{ points: unknown[] }>('GET', `/api/v1/devices/${id}/health?step=raw`);
        expect(h.body.points.length).toBeGreaterThanOrEqual(2);
        const e = await c.server.api<{ events: Array<{ type: string }> }>('GET', `/api/v1/devices/${id}/events`);
        expect(e.body.events.map((x) => x.type)).toContain('agentStarted');
      },
      { timeout: 30_000, interval: 500 },
    );
    await c.login('canbo.xa');
    await page.goto(`${c.server.baseUrl}/receivers/${id}`);
    await page.getByRole('heading', { name: 'Diễn biến sức khoẻ' }).waitFor();
    const temp = page.getByTestId('health-temp');
    await temp.waitFor();
    expect(await temp.locator('polyline').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+ [\d.]+,[\d.]+/);
    expect(await temp.getAttribute('aria-label')).toMatch(/^Nhiệt độ bo mạch: [\d.]+ °C – [\d.]+ °C/);
    const events = page.getByTestId('device-events');
    await events.getByRole('row').filter({ hasText: 'agentStarted' }).getByText('thông tin').waitFor();
    await c.browser.screenshots('receiver-health-events');
  }, 60_000);

  it('the reports page charts uptime per unit and downloads it as CSV', async () => {
    const page = c.browser.page;
    await c.nav('Báo cáo').click();
    const table = page.getByTestId('uptime-table');
    const row = table.getByRole('row').filter({ hasText: '19753' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(2).innerText()).toBe('2');
    // One of two receivers is offline since the first test: uptime is between 0 and 100 %.
    const shown = Number((await row.getByRole('cell').nth(3).innerText()).replace(' %', ''));
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(100);
    const bar = page.getByTestId('uptime-chart').locator('rect').first();
    expect(Number(await bar.getAttribute('width'))).toBeGreaterThan(0);
    expect(await bar.locator('title').textContent()).toContain(`Hoạt động (%): ${shown}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('uptime-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toContain('uptime_pct');
    expect(lines.filter((l) => l.startsWith('unit,19753,'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('day,19753,')).length).toBeGreaterThanOrEqual(1);
    await c.browser.screenshots('reports-uptime');
  }, 60_000);
});
