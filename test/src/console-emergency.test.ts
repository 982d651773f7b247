import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { FAKE_MIC_ARGS } from './support/browser.js';
import { type ConsoleFleet, startConsoleFleet } from './support/console-fleet.js';
import { uploadToLibrary, waitForJob } from './support/library.js';

const RECEIVERS = 6;
const COMMUNES = ['19753', '19774', '20014', '20104'];

interface Mount {
  id: string;
  kind: string;
  state: string;
  endReason: string | null;
  listeners: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * Issue 7 in the console: a province operator starts an emergency on the province's communes, where
 * simulated receivers (the real agent in the fleet simulator) play it; the reach fills up live to 100 %,
 * the operator stops it; a viewer sees it but has no controls. Then the operator speaks: chromium's fake
 * microphone feeds a mic mount over the WebSocket, every receiver pulls it, and stopping ends it cleanly.
 */
describe('the live and emergency console in chromium', () => {
  let c: ConsoleFleet;

  beforeAll(async () => {
    c = await startConsoleFleet({
      users: [
        { username: 'vanhanh.tinh', displayName: 'Vận hành tỉnh', role: 'province_operator', unitCode: '46' },
        { username: 'nguoi.xem', displayName: 'Người xem', role: 'viewer', unitCode: '46' },
      ],
      // Receivers in every demo commune of the province: the emergency targets the province's subtree.
      receivers: COMMUNES.flatMap((unitCode, i) =>
        Array.from({ length: Math.ceil(RECEIVERS / COMMUNES.length) }, (_, j) => ({ unitCode, name: `Loa ${i}-${j}` })),
      ),
      browserArgs: FAKE_MIC_ARGS,
    });
    const up = await uploadToLibrary(c.server, await makeTone({ seconds: 20, format: 'wav' }), {
      unitCode: '46',
      title: 'Cảnh báo bão khẩn cấp',
    });
    if (up.status === 202) await waitForJob(c.server, up.body.job.id);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
    await removeTestAudio();
  });

  const openConsole = async (username: string) => {
    await c.login(username);
    await c.nav('Phát trực tiếp và khẩn cấp').click();
  };
  const noneLeftPlaying = () =>
    vi.waitFor(
      async () => {
        const res = await c.server.api<{ devices: Array<{ status: { health: { playing: unknown } | null } | null }> }>(
          'GET',
          '/api/v1/devices',
        );
        expect(res.body.devices.filter((d) => d.status?.health?.playing)).toEqual([]);
      },
      { timeout: 60_000, interval: 500 },
    );

  it('a province operator starts an emergency and watches reach reach 100% of the receivers, then stops it', async () => {
    const page = c.browser.page;
    await openConsole('vanhanh.tinh');
    await page.getByLabel('Tên thông báo khẩn').fill('Bão số 3 — sơ tán khẩn cấp');
    await page.getByLabel('Âm thanh phát').selectOption({ label: 'Cảnh báo bão khẩn cấp' });
    await page.getByLabel('Phát tới').selectOption('46');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Phát khẩn cấp ngay' }).click();

    const total = c.fleet.members().length;
    const reach = page.getByTestId('reach');
    await reach.getByText(`${total}/${total} cụm loa đang phát (100 %)`).waitFor({ timeout: 60_000 });
    await c.browser.screenshots('emergency-reach');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).click();
    await reach.getByText(`${total}/${total} cụm loa đã phát (100 %)`).waitFor({ timeout: 30_000 });
    const listed = await c.server.api<{ emergencies: Array<{ title: string; state: string; actorLabel: string }> }>(
      'GET',
      '/api/v1/emergencies',
    );
    expect(listed.body.emergencies).toMatchObject([
      { title: 'Bão số 3 — sơ tán khẩn cấp', state: 'stopped', actorLabel: 'vanhanh.tinh' },
    ]);
    await noneLeftPlaying();
    expect(c.fleet.stats().errors).toBe(0);
  }, 180_000);

  it('a viewer sees the emergencies but no controls to start or stop one', async () => {
    const page = c.browser.page;
    await openConsole('nguoi.xem');
    await page.getByText('Tài khoản này chỉ được xem các lần phát khẩn cấp.').waitFor();
    await page.getByRole('button', { name: 'Bão số 3 — sơ tán khẩn cấp' }).click();
    await page.getByTestId('reach').waitFor();
    expect(await page.getByRole('button', { name: 'Phát khẩn cấp ngay' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Dừng phát khẩn cấp' }).count()).toBe(0);
    expect(await page.getByLabel('Tên thông báo khẩn').count()).toBe(0);
  }, 60_000);

  it('the operator speaks now: the microphone feeds a live mount every receiver pulls, and stops cleanly', async () => {
    const page = c.browser.page;
    await openConsole('vanhanh.tinh');
    await page.getByLabel('Tên thông báo khẩn').fill('Thông báo trực tiếp của tỉnh');
    await page.getByLabel('Nguồn phát').selectOption({ label: 'Nói trực tiếp qua micro' });
    await page.getByLabel('Phát tới').selectOption('46');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Nói ngay' }).click();

    const total = c.fleet.members().length;
    const reach = page.getByTestId('reach');
    await reach.getByText(`${total}/${total} cụm loa đang phát (100 %)`).waitFor({ timeout: 60_000 });
    await page.getByTestId('mic-status').getByText('Đang phát giọng nói trực tiếp').waitFor();
    const mounts = async () => (await c.server.api<{ mounts: Mount[] }>('GET', '/api/v1/live')).body.mounts;
    // The server encodes the microphone and serves it to every receiver.
    await vi.waitFor(
      async () => {
        const [m] = await mounts();
        expect(m).toMatchObject({ kind: 'mic', state: 'live', listeners: total });
        expect(m!.bytesIn).toBeGreaterThan(4000);
        expect(m!.bytesOut).toBeGreaterThan(total * 1000);
      },
      { timeout: 30_000, interval: 300 },
    );
    const listed = await c.server.api<{ emergencies: Array<{ title: string; source: Record<string, unknown> }> }>(
      'GET',
      '/api/v1/emergencies',
    );
    const emergencies = listed.body.emergencies;
    expect(emergencies[0]).toMatchObject({
      title: 'Thông báo trực tiếp của tỉnh',
      source: { kind: 'live', mountId: (await mounts())[0]!.id },
    });
    await c.browser.screenshots('emergency-mic');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Dừng nói' }).click();
    await reach.getByText(`${total}/${total} cụm loa đã phát (100 %)`).waitFor({ timeout: 30_000 });
    await vi.waitFor(async () => expect((await mounts())[0]).toMatchObject({ state: 'ended', endReason: 'stopped' }), {
      timeout: 30_000,
      interval: 300,
    });
    await noneLeftPlaying();
  }, 180_000);
});
