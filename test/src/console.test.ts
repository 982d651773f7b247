import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from './support/browser.js';
import { type ConsoleFleet, startConsoleFleet } from './support/console-fleet.js';
import { ADMIN_PASSWORD, type TestServer } from './support/server.js';

const USERS = {
  operator: { username: 'canbo.xa', displayName: 'Cán bộ đài phường', role: 'commune_operator', unitCode: '19753' },
  approver: { username: 'lanh.dao', displayName: 'Lãnh đạo duyệt tin', role: 'approver', unitCode: '46' },
  viewer: { username: 'nguoi.xem', displayName: 'Người xem', role: 'viewer', unitCode: '19753' },
} as const;
const TITLE = 'Thông báo tổng vệ sinh';
const TEXT = 'Thông báo của phường: sáng Chủ Nhật tổ chức tổng vệ sinh khu dân cư. Mời bà con tham gia.';
/** Ahead of now when the operator schedules it: time to fill the form, push the playlist and prefetch. */
const LEAD_MS = 45_000;
const WAIT = 150_000;

/** `YYYY-MM-DDTHH:mm:ss` in Vietnam time, as an operator types it into the console. */
const vnLocal = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);

/**
 * Issue 9: the console in Debian's chromium against a real server (SQLite, embedded broker, ffmpeg,
 * eSpeak NG) with simulated receivers (the real agent in the fleet simulator): a commune operator
 * drafts a bulletin by typing it, a leader approves it, the operator schedules it, the receivers play
 * it and the console shows it; a viewer sees no controls; errors are plain Vietnamese.
 */
describe('the web console in chromium', () => {
  let c: ConsoleFleet;
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let deviceIds: string[] = [];
  let bulletinId = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    c = await startConsoleFleet({
      users: Object.values(USERS),
      // Three receivers have a position (drawn on the map), the fourth has none.
      receivers: [0, 1, 2, 3].map((i) => ({
        unitCode: '19753',
        name: `Cụm loa ${i + 1}`,
        ...(i < 3 ? { lat: 16.46 + i * 0.01, lon: 107.59 + i * 0.012 } : {}),
      })),
    });
    ({ server, browser, deviceIds } = c);
    page = browser.page;
    page.on('pageerror', (err) => pageErrors.push(String(err)));
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  const login = (who: keyof typeof USERS) => c.login(USERS[who].username);
  const nav = (name: string) => c.nav(name);

  it('explains a failed login in plain Vietnamese, and switches to English', async () => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Tên đăng nhập').fill(USERS.operator.username);
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').getByText('Sai tên đăng nhập hoặc mật khẩu.').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
  });

  it('a commune operator types a bulletin, sees its TTS audio ready without playing it, and submits it', async () => {
    await login('operator');
    await nav('Bản tin và duyệt tin').click();
    await page.getByRole('button', { name: 'Soạn bản tin mới' }).click();
    await page.getByLabel('Tiêu đề', { exact: true }).first().fill(TITLE);
    await page.getByLabel('Nội dung cần đọc').fill(TEXT);
    await page.getByRole('button', { name: 'Tạo âm thanh' }).click();

    const ready = page.getByTestId('audio-ready');
    await ready.waitFor({ timeout: 90_000 });
    expect(await ready.innerText()).toContain('Âm thanh đã sẵn sàng');
    // The root tsconfig has no DOM types: the element is described by what is read of it.
    type AudioState = { paused: boolean; currentTime: number; preload: string; src: string };
    const audio = await ready.locator('audio').evaluate((el) => {
      const a = el as unknown as AudioState;
      return { paused: a.paused, at: a.currentTime, preload: a.preload, src: a.src };
    });
    expect(audio).toMatchObject({ paused: true, at: 0, preload: 'none' });
    expect(audio.src).toMatch(/\/api\/v1\/library\/\d+\/audio$/);

    await page.getByRole('button', { name: 'Lưu và gửi duyệt' }).click();
    await page.waitForURL(/\/bulletins\/\d+$/);
    bulletinId = Number(/\/bulletins\/(\d+)$/.exec(page.url())![1]);
    await page.locator('.badge', { hasText: 'Chờ duyệt' }).waitFor();
    const b = await server.api<{ bulletin: { current: { state: string; items: unknown[] } } }>(
      'GET',
      `/api/v1/bulletins/${bulletinId}`,
    );
    expect(b.body.bulletin.current).toMatchObject({ state: 'submitted' });
    expect(b.body.bulletin.current.items).toHaveLength(1);
    // An operator may not approve: the control is not there.
    expect(await page.getByRole('button', { name: 'Duyệt', exact: true }).count()).toBe(0);
  }, 180_000);

  it('the approver finds it in the approval queue and approves it', async () => {
    await login('approver');
    await nav('Bản tin và duyệt tin').click();
    await page.getByRole('tab', { name: 'Chờ duyệt', selected: true }).waitFor();
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await page.getByRole('status').getByText('Đã duyệt.').waitFor();
    await page.locator('.badge', { hasText: 'Đã duyệt' }).waitFor();
    const b = await server.api<{ bulletin: { current: { state: string } } }>('GET', `/api/v1/bulletins/${bulletinId}`);
    expect(b.body.bulletin.current.state).toBe('approved');
  });

  it('the operator schedules it; a past time and an overlap are explained in Vietnamese', async () => {
    await login('operator');
    await page.goto(`${server.baseUrl}/bulletins/${bulletinId}`);
    await page.getByRole('button', { name: 'Lên lịch phát' }).click();
    await page.waitForURL(/\/schedules\?bulletin=/);
    await page.getByLabel('Bản tin (đã duyệt)').selectOption(String(bulletinId));
    const at = page.getByLabel('Thời điểm phát');
    const create = page.getByRole('button', { name: 'Lên lịch', exact: true });

    await at.fill(vnLocal(Date.now() - 3_600_000));
    await create.click();
    await page.getByRole('alert').getByText('Thời điểm phát đã qua').waitFor();

    const when = Date.now() + LEAD_MS;
    await at.fill(vnLocal(when));
    await create.click();
    await page.getByRole('status').getByText('Đã lên lịch.').waitFor();
    await page.locator('.week .occ', { hasText: TITLE }).first().waitFor();

    // The same again overlaps on the same receivers: the server's 409 is shown, with what the rules do.
    await create.click();
    const conflicts = page.getByTestId('conflicts');
    await conflicts.getByText('Trùng giờ với 1 lịch khác').waitFor();
    expect(await conflicts.innerText()).toContain(TITLE);
    await page.getByRole('button', { name: 'Sửa lại' }).click();
    await conflicts.waitFor({ state: 'detached' });
    const list = await server.api<{ schedules: unknown[] }>('GET', '/api/v1/schedules');
    expect(list.body.schedules).toHaveLength(1);
  }, 120_000);

  it(
    'the simulated receivers play it, and the receiver page and the dashboard show it played',
    async () => {
      await page.goto(`${server.baseUrl}/receivers/${deviceIds[0]}`);
      await page.getByTestId('play-log').getByText('Phát xong').first().waitFor({ timeout: WAIT });

      await nav('Tổng quan').click();
      await page.waitForFunction(
        `Number(document.querySelector('[data-testid=tile-played] .tile-value')?.textContent) >= ${deviceIds.length}`,
        undefined,
        { timeout: WAIT },
      );
      expect(await page.getByTestId('tile-online').locator('.tile-value').innerText()).toBe(String(deviceIds.length));
      // Three receivers have a position and are drawn on the map; the fourth is listed apart.
      expect(await page.locator('svg.map circle').count()).toBe(3);
      await page.getByText('1 cụm loa chưa có toạ độ').waitFor();
    },
    WAIT + 30_000,
  );

  it('a viewer sees the state of things but no controls, and a refused page says why in Vietnamese', async () => {
    await login('viewer');
    const links = await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link').allInnerTexts();
    // Emergencies are visible to everyone (emergency.read); starting one is not (console-emergency.test.ts).
    expect(links).toEqual(expect.arrayContaining(['Cụm loa', 'Phát trực tiếp và khẩn cấp']));
    for (const hidden of ['Tài khoản', 'Nhật ký thao tác']) expect(links).not.toContain(hidden);

    await page.goto(`${server.baseUrl}/bulletins/${bulletinId}`);
    await page.getByRole('heading', { name: TITLE }).waitFor();
    expect(await page.getByTestId('bulletin-actions').getByRole('button').count()).toBe(0);
    await page.goto(`${server.baseUrl}/bulletins`);
    await page.getByRole('link', { name: TITLE }).waitFor();
    expect(await page.getByRole('button', { name: 'Soạn bản tin mới' }).count()).toBe(0);

    await page.goto(`${server.baseUrl}/receivers/${deviceIds[0]}`);
    await page.getByRole('heading', { name: 'Lịch sử phát' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Điều khiển' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Phát', exact: true }).count()).toBe(0);

    await page.goto(`${server.baseUrl}/media`);
    await page.getByRole('heading', { name: 'Thư viện', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Tạo âm thanh' }).count()).toBe(0);
    await page.goto(`${server.baseUrl}/schedules`);
    await page.getByRole('heading', { name: 'Danh sách lịch phát' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Lên lịch mới' }).count()).toBe(0);

    await page.goto(`${server.baseUrl}/users`);
    await page.getByRole('alert').getByText('Vai trò của bạn không được phép làm việc này.').waitFor();

    // Keyboard: the first Tab reaches the skip link, with a visible focus ring.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      `(() => { const el = document.activeElement; return { text: el?.textContent, outline: getComputedStyle(el).outlineStyle }; })()`,
    );
    expect(focused).toEqual({ text: 'Bỏ qua, tới nội dung chính', outline: 'solid' });
  });

  it('keeps screenshots of the main pages at desktop and phone size', async () => {
    await page.context().clearCookies();
    await page.goto(`${server.baseUrl}/login`);
    await browser.screenshots('login');
    await browser.login(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const pages: Array<[string, string]> = [
      ['dashboard', '/'],
      ['receivers', '/receivers'],
      ['receiver', `/receivers/${deviceIds[0]}`],
      ['media', '/media'],
      ['bulletins', '/bulletins?state='],
      ['bulletin', `/bulletins/${bulletinId}`],
      ['bulletin-new', '/bulletins/new'],
      ['schedules', '/schedules'],
      ['emergency', '/emergency'],
      ['reports', '/reports'],
      ['users', '/users'],
      ['units', '/units'],
      ['audit', '/audit'],
      ['account', '/account'],
    ];
    for (const [name, url] of pages) {
      await page.goto(`${server.baseUrl}${url}`);
      await page.locator('#page-title').waitFor();
      // The dashboard keeps the alert stream open, so the network is never idle there: wait for the stream.
      if (name === 'dashboard') await page.getByTestId('alerts').getByText('Cập nhật trực tiếp').waitFor();
      else await page.waitForLoadState('networkidle');
      await browser.screenshots(name);
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
