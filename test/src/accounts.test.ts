import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, startServer } from '@nguon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

const PASSWORD = 'correct-horse-1';

describe('accounts: sessions, tokens, lock-out, passwords, grants', () => {
  let server: TestServer;
  const login = (username: string, password: string) =>
    server.api<{ token: string; user: { id: number } }>('POST', '/api/v1/auth/login', { username, password }, null);
  const createUser = async (username: string, role: string, unitCode: string, token?: string) =>
    server.api<{ user: { id: number } }>(
      'POST',
      '/api/v1/users',
      { username, displayName: `Người dùng ${username}`, password: PASSWORD, role, unitCode },
      token,
    );

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('logs in with an http-only SameSite cookie that works until logout', async () => {
    await createUser('canbo.xa', 'commune_operator', '19753');
    const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'canbo.xa', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/nguon_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const jar = cookie.split(';')[0]!;
    const me = await fetch(`${server.baseUrl}/api/v1/auth/me`, { headers: { cookie: jar } });
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('canbo.xa');
    await fetch(`${server.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: jar } });
    expect((await fetch(`${server.baseUrl}/api/v1/auth/me`, { headers: { cookie: jar } })).status).toBe(401);
  });

  it('locks an account after five failed logins, even for the right password, and audits each try', async () => {
    await createUser('bi.khoa', 'viewer', '19753');
    for (let i = 0; i < 5; i++) expect((await login('bi.khoa', 'wrong-password')).status).toBe(401);
    const locked = await login('bi.khoa', PASSWORD);
    expect(locked.status).toBe(429);
    expect(JSON.stringify(locked.body)).toMatch(/locked/);
    const audit = await server.api<{ entries: Array<{ outcome: string; targetId: string; sourceIp: string }> }>(
      'GET',
      '/api/v1/audit?action=POST%20%2Fapi%2Fv1%2Fauth%2Flogin&limit=100',
    );
    const tries = audit.body.entries.filter((e) => e.targetId === 'bi.khoa');
    expect(tries).toHaveLength(6);
    expect(tries.every((e) => e.outcome === 'denied' && e.sourceIp === '127.0.0.1')).toBe(true);
  });

  it('issues named API tokens shown once, usable as bearer, revocable', async () => {
    const created = await server.api<{ id: number; token: string }>('POST', '/api/v1/auth/tokens', {
      name: 'cổng quốc gia',
    });
    expect(created.status).toBe(201);
    const list = await server.api<{ tokens: Array<Record<string, unknown>> }>('GET', '/api/v1/auth/tokens');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(list.body.tokens.find((t) => t.id === created.body.id)?.name).toBe('cổng quốc gia');
    expect((await server.api('GET', '/api/v1/devices', undefined, created.body.token)).status).toBe(200);
    expect((await server.api('DELETE', `/api/v1/auth/tokens/${created.body.id}`)).status).toBe(200);
    expect((await server.api('GET', '/api/v1/devices', undefined, created.body.token)).status).toBe(401);
    expect((await server.api('DELETE', `/api/v1/auth/tokens/${created.body.id}`)).status).toBe(404);
  });

  it('changes a password only with the current one, and ends the other sessions', async () => {
    await createUser('doi.mk', 'viewer', '19753');
    const a = (await login('doi.mk', PASSWORD)).body.token;
    const b = (await login('doi.mk', PASSWORD)).body.token;
    const wrong = await server.api('POST', '/api/v1/auth/password', { current: 'nope', next: 'new-password-2' }, a);
    expect(wrong.status).toBe(422);
    const short = await server.api('POST', '/api/v1/auth/password', { current: PASSWORD, next: 'short' }, a);
    expect(short.status).toBe(400);
    expect(
      (await server.api('POST', '/api/v1/auth/password', { current: PASSWORD, next: 'new-password-2' }, a)).status,
    ).toBe(200);
    expect((await server.api('GET', '/api/v1/auth/me', undefined, a)).status).toBe(200);
    expect((await server.api('GET', '/api/v1/auth/me', undefined, b)).status).toBe(401);
    expect((await login('doi.mk', PASSWORD)).status).toBe(401);
    expect((await login('doi.mk', 'new-password-2')).status).toBe(200);
  });

  it('lets a province operator manage accounts only below it and only with roles it holds', async () => {
    await createUser('so.tinh', 'province_operator', '46');
    const op = (await login('so.tinh', PASSWORD)).body.token;
    expect((await createUser('xa.moi', 'commune_operator', '19753', op)).status).toBe(201);
    expect((await createUser('quan.tri2', 'admin', '46', op)).status).toBe(403);
    expect((await createUser('ngoai', 'viewer', 'VN', op)).status).toBe(403);
    const admin = await server.api<{ user: { id: number } }>('GET', '/api/v1/auth/me');
    expect((await server.api('PATCH', `/api/v1/users/${admin.body.user.id}`, { displayName: 'x' }, op)).status).toBe(
      403,
    );
    const self = await server.api<{ user: { id: number } }>('GET', '/api/v1/auth/me', undefined, op);
    expect((await server.api('PATCH', `/api/v1/users/${self.body.user.id}`, { role: 'admin' }, op)).status).toBe(403);
  });

  it('ends every session of a disabled account and refuses its logins', async () => {
    const u = await createUser('nghi.viec', 'viewer', '19753');
    const t = (await login('nghi.viec', PASSWORD)).body.token;
    expect((await server.api('PATCH', `/api/v1/users/${u.body.user.id}`, { disabled: true })).status).toBe(200);
    expect((await server.api('GET', '/api/v1/auth/me', undefined, t)).status).toBe(401);
    expect((await login('nghi.viec', PASSWORD)).status).toBe(401);
  });

  it.each([
    [
      'unknown unit code',
      { username: 'a.b.c', displayName: 'x', password: PASSWORD, role: 'viewer', unitCode: '99999' },
      404,
      /99999/,
    ],
    [
      'unknown role',
      { username: 'a.b.c', displayName: 'x', password: PASSWORD, role: 'king', unitCode: '46' },
      400,
      /role/,
    ],
    [
      'unknown key',
      { username: 'a.b.c', displayName: 'x', password: PASSWORD, role: 'viewer', unitCode: '46', x: 1 },
      400,
      /x/,
    ],
    [
      'bad username',
      { username: 'A B', displayName: 'x', password: PASSWORD, role: 'viewer', unitCode: '46' },
      400,
      /username/,
    ],
  ])('refuses a user with %s and creates nothing', async (_n, body, status, message) => {
    const before = (await server.api<{ users: unknown[] }>('GET', '/api/v1/users')).body.users.length;
    const res = await server.api('POST', '/api/v1/users', body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(message);
    expect((await server.api<{ users: unknown[] }>('GET', '/api/v1/users')).body.users.length).toBe(before);
  });

  it('answers malformed and oversized bodies with clear 4xx errors', async () => {
    const raw = (body: string) =>
      fetch(`${server.baseUrl}/api/v1/units`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
        body,
      });
    const bad = await raw('{"code": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const huge = await raw(JSON.stringify({ code: 'x', name: 'y'.repeat(2 * 1024 * 1024), level: 'commune' }));
    expect(huge.status).toBe(413);
  });
});

describe('the first administrator', () => {
  it('gets a generated password printed once, on the first run only', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-first-'));
    const env = {
      NGUON_DATA_DIR: dataDir,
      NGUON_HTTP_PORT: '0',
      NGUON_MQTT_PORT: '0',
      NGUON_HOST: '127.0.0.1',
      NGUON_LOG_LEVEL: 'silent',
    };
    const log = createLogger('silent', false);
    const first = await startServer(loadConfig(env), log);
    const password = first.initialAdminPassword;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const res = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(res.status).toBe(200);
    await first.close();
    const second = await startServer(loadConfig(env), log);
    expect(second.initialAdminPassword).toBeUndefined();
    await second.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
