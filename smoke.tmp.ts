import { launchBrowser } from './test/src/support/browser.js';
import { startTestServer, ADMIN_PASSWORD } from './test/src/support/server.js';
const s = await startTestServer();
const b = await launchBrowser();
const errors: string[] = [];
b.page.on('pageerror', (e) => errors.push(String(e)));
b.page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
await b.page.goto(`${s.baseUrl}/login`);
await b.page.getByLabel('Tên đăng nhập').fill('admin');
await b.page.getByLabel('Mật khẩu').fill('wrong');
await b.page.getByRole('button', { name: 'Đăng nhập' }).click();
console.warn('err:', await b.page.getByRole('alert').first().innerText());
await b.login(s.baseUrl, 'admin', ADMIN_PASSWORD);
console.warn('who:', await b.page.getByTestId('who').innerText());
for (const p of ['/', '/receivers', '/media', '/bulletins', '/bulletins/new', '/schedules', '/emergency', '/reports', '/users', '/units', '/audit']) {
  await b.page.goto(s.baseUrl + p);
  await b.page.waitForLoadState('networkidle');
  console.warn(p, (await b.page.locator('main').innerText()).slice(0, 150).replace(/\n/g, ' | '));
  await b.screenshots(p === '/' ? 'dashboard' : p.slice(1).replace('/', '-'));
}
console.warn('errors', errors);
await b.close();
await s.close();
