import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

interface Version {
  version: number;
  state: string;
  title: string;
  durationMs: number;
  priority: number;
  approvedOnSend: boolean;
  rejectReason: string | null;
}
interface Bulletin {
  id: number;
  current: Version;
  versions: Version[];
}

describe('bulletins and the approval workflow', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  let sha = '';
  let mediaMs = 0;

  const as = (who: string) => ({
    post: (url: string, body?: unknown) => server.api<{ bulletin: Bulletin }>('POST', url, body, tokens[who]),
    patch: (url: string, body: unknown) =>
      server.api<{ bulletin: Bulletin & { newVersion: boolean } }>('PATCH', url, body, tokens[who]),
    get: (url: string) => server.api<{ bulletin: Bulletin }>('GET', url, undefined, tokens[who]),
  });

  beforeAll(async () => {
    server = await startTestServer();
    const people: Array<[string, string, string]> = [
      ['can.bo.xa', 'commune_operator', '19753'],
      ['lanh.dao.xa', 'approver', '19753'],
      ['lanh.dao.xa.khac', 'approver', '19774'],
      ['so.tinh', 'province_operator', '46'],
    ];
    for (const [username, role, unitCode] of people) {
      const body = { username, displayName: username, password: 'bulletin-pass-1', role, unitCode };
      expect((await server.api('POST', '/api/v1/users', body)).status).toBe(201);
      tokens[username] = (
        await server.api<{ token: string }>(
          'POST',
          '/api/v1/auth/login',
          { username, password: 'bulletin-pass-1' },
          null,
        )
      ).body.token;
    }
    const up = await uploadFile(
      server,
      await makeTone({ seconds: 3, format: 'mp3' }),
      'thong-bao.mp3',
      tokens['can.bo.xa']!,
    );
    sha = (up.body as { sha256: string }).sha256;
    mediaMs = (up.body as { durationMs: number }).durationMs;
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  const draft = (over: Record<string, unknown> = {}) =>
    as('can.bo.xa').post('/api/v1/bulletins', {
      title: 'Thông báo họp dân thôn 3',
      summary: 'Họp bàn kế hoạch phòng chống lụt bão',
      author: 'Đài truyền thanh xã',
      field: 4,
      items: [{ sha256: sha, title: 'Nội dung' }],
      ...over,
    });

  it('goes draft → submitted → approved by a leader of the unit, with the metadata of the field', async () => {
    const created = await draft();
    expect(created.status).toBe(201);
    const b = created.body.bulletin;
    expect(b.current).toMatchObject({
      version: 1,
      state: 'draft',
      priority: 3,
      durationMs: mediaMs,
      title: 'Thông báo họp dân thôn 3',
    });
    expect((await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/approve`)).status).toBe(403);
    expect((await as('lanh.dao.xa').post(`/api/v1/bulletins/${b.id}/approve`)).status).toBe(409);
    expect((await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/submit`)).body.bulletin.current.state).toBe(
      'submitted',
    );
    expect((await as('lanh.dao.xa.khac').post(`/api/v1/bulletins/${b.id}/approve`)).status).toBe(403);
    const approved = await as('lanh.dao.xa').post(`/api/v1/bulletins/${b.id}/approve`);
    expect(approved.body.bulletin.current.state).toBe('approved');

    const audit = await server.api<{ entries: Array<{ action: string; actorName: string; targetId: string }> }>(
      'GET',
      '/api/v1/audit?limit=500',
    );
    const trail = audit.body.entries
      .filter((e) => e.targetId === String(b.id) && e.actorName !== null)
      .map((e) => `${e.actorName} ${e.action}`);
    expect(trail).toContain('lanh.dao.xa bulletins.approve: POST /api/v1/bulletins/:id/approve');
    expect(trail).toContain('can.bo.xa bulletins.write: POST /api/v1/bulletins/:id/submit');
  });

  it('never changes approved content: an edit starts a new version that needs approval again', async () => {
    const b = (await draft()).body.bulletin;
    await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/submit`);
    await as('lanh.dao.xa').post(`/api/v1/bulletins/${b.id}/approve`);
    const edited = await as('can.bo.xa').patch(`/api/v1/bulletins/${b.id}`, {
      title: 'Thông báo họp dân thôn 3 (sửa giờ)',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.bulletin.newVersion).toBe(true);
    const after = (await as('can.bo.xa').get(`/api/v1/bulletins/${b.id}`)).body.bulletin;
    expect(after.versions.map((v) => [v.version, v.state, v.title])).toEqual([
      [2, 'draft', 'Thông báo họp dân thôn 3 (sửa giờ)'],
      [1, 'approved', 'Thông báo họp dân thôn 3'],
    ]);
  });

  it('rejects only with a reason, and a rejected draft can be fixed and resubmitted', async () => {
    const b = (await draft()).body.bulletin;
    await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/submit`);
    expect((await as('lanh.dao.xa').post(`/api/v1/bulletins/${b.id}/reject`, {})).status).toBe(400);
    const rejected = await as('lanh.dao.xa').post(`/api/v1/bulletins/${b.id}/reject`, { reason: 'Sai địa điểm họp' });
    expect(rejected.body.bulletin.current).toMatchObject({ state: 'rejected', rejectReason: 'Sai địa điểm họp' });
    const fixed = await as('can.bo.xa').patch(`/api/v1/bulletins/${b.id}`, { summary: 'Họp tại nhà văn hóa thôn' });
    expect(fixed.body.bulletin.current).toMatchObject({ version: 1, state: 'draft', rejectReason: null });
    expect((await as('can.bo.xa').patch(`/api/v1/bulletins/${b.id}`, { title: '' })).status).toBe(400);
    await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/submit`);
    expect((await as('can.bo.xa').patch(`/api/v1/bulletins/${b.id}`, { title: 'x' })).status).toBe(409);
  });

  it('lets a province operator send emergency content approved-on-send, audited as such', async () => {
    const b = (
      await as('so.tinh').post('/api/v1/bulletins', {
        unitCode: '46',
        title: 'Khẩn cấp: bão số 3 đổ bộ',
        priority: 1,
        field: 2,
        items: [{ sha256: sha }],
      })
    ).body.bulletin;
    expect((await as('can.bo.xa').post(`/api/v1/bulletins/${b.id}/approve-on-send`)).status).toBe(403);
    const sent = await as('so.tinh').post(`/api/v1/bulletins/${b.id}/approve-on-send`);
    expect(sent.body.bulletin.current).toMatchObject({ state: 'approved', approvedOnSend: true });
    const audit = await server.api<{
      entries: Array<{ targetId: string; details: { approvedOnSend?: boolean } | null }>;
    }>(
      'GET',
      `/api/v1/audit?action=${encodeURIComponent('bulletins.emergency: POST /api/v1/bulletins/:id/approve-on-send')}`,
    );
    expect(audit.body.entries.find((e) => e.targetId === String(b.id))?.details?.approvedOnSend).toBe(true);

    const normal = (
      await as('so.tinh').post('/api/v1/bulletins', { unitCode: '46', title: 'Tin thường', items: [{ sha256: sha }] })
    ).body.bulletin;
    expect((await as('so.tinh').post(`/api/v1/bulletins/${normal.id}/approve-on-send`)).status).toBe(422);
  });

  it('shows each unit only its own bulletins and the approval queue', async () => {
    const queue = await server.api<{ bulletins: Array<{ unitId: number; current: Version }> }>(
      'GET',
      '/api/v1/bulletins?state=submitted',
      undefined,
      tokens['lanh.dao.xa.khac'],
    );
    expect(queue.status).toBe(200);
    expect(queue.body.bulletins).toEqual([]);
    const mine = await server.api<{ bulletins: Array<{ current: Version }> }>(
      'GET',
      '/api/v1/bulletins?state=submitted',
      undefined,
      tokens['lanh.dao.xa'],
    );
    expect(mine.body.bulletins.length).toBeGreaterThan(0);
    expect(mine.body.bulletins.every((x) => x.current.state === 'submitted')).toBe(true);
  });

  it.each([
    ['no items', { title: 'x', items: [] }, 400, /at least one audio item/],
    ['unknown audio', { title: 'x', items: [{ sha256: 'f'.repeat(64) }] }, 422, /no audio/],
    ['a bad type code', { title: 'x', type: 9, items: [{ sha256: 'a'.repeat(64) }] }, 400, /type/],
    ['an unknown field', { title: 'x', colour: 'red', items: [{ sha256: 'a'.repeat(64) }] }, 400, /colour/],
    ['an overlong title', { title: 'x'.repeat(201), items: [{ sha256: 'a'.repeat(64) }] }, 400, /title/],
    ['an unknown unit', { unitCode: '99999', title: 'x', items: [{ sha256: 'a'.repeat(64) }] }, 404, /99999/],
  ])('refuses %s clearly and stores nothing', async (_n, body, status, message) => {
    const count = async () =>
      (await server.api<{ bulletins: unknown[] }>('GET', '/api/v1/bulletins?limit=500')).body.bulletins.length;
    const before = await count();
    const res = await as('can.bo.xa').post('/api/v1/bulletins', body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(message);
    expect(await count()).toBe(before);
  });
});
