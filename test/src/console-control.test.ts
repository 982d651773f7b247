import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConsoleFleet, startConsoleFleet } from './support/console-fleet.js';

type DeviceView = { status: { health: { volume: number; muted: boolean } | null } | null };

/**
 * Issue 5 in the console: an operator changes a simulated receiver's volume from its page (the real agent
 * in the fleet simulator answers over MQTT) and the command history shows the receiver's reply "ok"; the
 * receiver's next heartbeat carries the new volume. The same for a whole commune and for a receiver
 * group from the receivers page: the bulk history counts every receiver's answer.
 */
describe('remote control from the receivers page in chromium', () => {
  let c: ConsoleFleet;
  let groupId = 0;

  beforeAll(async () => {
    c = await startConsoleFleet({
      users: [{ username: 'canbo.xa', displayName: 'Cán bộ đài phường', role: 'commune_operator', unitCode: '19753' }],
      receivers: [
        { unitCode: '19753', name: 'Cụm loa chợ' },
        { unitCode: '19753', name: 'Cụm loa trường học' },
      ],
    });
    const g = await c.server.api<{ group: { id: number } }>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Khu chợ và trường',
      deviceIds: c.deviceIds,
    });
    if (g.status !== 201) throw new Error(`group: ${g.status} ${JSON.stringify(g.body)}`);
    groupId = g.body.group.id;
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  const health = async (id: string) =>
    (await c.server.api<DeviceView>('GET', `/api/v1/devices/${id}`)).body.status?.health ?? null;

  it('an operator sets a receiver volume and sees the reply "ok" in the command history', async () => {
    const page = c.browser.page;
    await c.login('canbo.xa');
    await c.nav('Cụm loa').click();
    await page.getByRole('link', { name: 'Cụm loa chợ' }).click();
    await page.getByRole('heading', { name: 'Điều khiển', exact: true }).waitFor();
    await page.getByText('Chưa có lệnh nào.').waitFor();

    await page.getByRole('slider').fill('37');
    await page.getByRole('button', { name: 'Đặt âm lượng' }).click();
    const row = page.getByTestId('command-history').getByRole('row', { name: /Âm lượng 37/ });
    await row.getByText('ok', { exact: true }).waitFor({ timeout: 60_000 });

    const history = await c.server.api<{
      commands: Array<{ type: string; status: string; payload: { volume?: number } }>;
    }>('GET', `/api/v1/devices/${c.deviceIds[0]}/commands`);
    expect(history.body.commands[0]).toMatchObject({ type: 'setVolume', status: 'ok', payload: { volume: 37 } });
    await vi.waitFor(async () => expect((await health(c.deviceIds[0]!))?.volume).toBe(37), {
      timeout: 30_000,
      interval: 500,
    });
    await c.browser.screenshots('receiver-command-history');
  }, 120_000);

  it('sends a volume to the whole commune and a mute to a group; the bulk history counts the answers', async () => {
    const page = c.browser.page;
    await c.nav('Cụm loa').click();
    const bulk = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Điều khiển hàng loạt' }) });
    await bulk.getByText('Chưa gửi lệnh hàng loạt nào trong phiên này.').waitFor();

    // The commune: the operator's own unit is chosen already.
    await bulk.getByLabel('Lệnh', { exact: true }).selectOption({ label: 'Đặt âm lượng' });
    await bulk.getByLabel('Âm lượng', { exact: true }).fill('44');
    page.once('dialog', (d) => void d.accept());
    await bulk.getByRole('button', { name: 'Gửi lệnh' }).click();
    await bulk.getByRole('status').getByText('Đã gửi "Đặt âm lượng 44" tới 2 cụm loa.').waitFor();
    const history = page.getByTestId('bulk-history');
    await history
      .getByRole('row', { name: /Đặt âm lượng 44/ })
      .getByText('2/2 ok, 0 lỗi, 0 chưa trả lời')
      .waitFor({ timeout: 60_000 });

    await bulk.getByLabel('Gửi tới', { exact: true }).selectOption({ label: 'Nhóm loa' });
    await bulk.getByLabel('Đơn vị hoặc nhóm', { exact: true }).selectOption(String(groupId));
    await bulk.getByLabel('Lệnh', { exact: true }).selectOption({ label: 'Tắt tiếng' });
    page.once('dialog', (d) => void d.accept());
    await bulk.getByRole('button', { name: 'Gửi lệnh' }).click();
    await history
      .getByRole('row', { name: /Tắt tiếng/ })
      .getByText('2/2 ok, 0 lỗi, 0 chưa trả lời')
      .waitFor({ timeout: 60_000 });
    expect(await history.getByRole('row').count()).toBe(3);

    // The receivers really changed: their heartbeats carry the volume and the mute.
    for (const id of c.deviceIds)
      await vi.waitFor(async () => expect(await health(id)).toMatchObject({ volume: 44, muted: true }), {
        timeout: 30_000,
        interval: 500,
      });
    const audit = await c.server.api<{ entries: Array<{ action: string; targetType: string | null }> }>(
      'GET',
      '/api/v1/audit?limit=20',
    );
    expect(audit.body.entries.map((e) => e.targetType)).toEqual(expect.arrayContaining(['unit', 'group']));
    await c.browser.screenshots('receivers-bulk-commands');
  }, 120_000);
});
