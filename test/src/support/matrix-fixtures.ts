import { ROLES, type Role } from '@nguon/schemas';
import { makeTone } from './audio.js';
import { registerDevice, type TestServer } from './server.js';
import { uploadFile } from './upload.js';

export type Where = 'in' | 'out';

/**
 * Two subtrees: every non-admin role's user sits at or above commune 19753 ("in"); province 48 and its
 * commune 20200 ("out") lie outside all of them. Fresh targets are made on demand, so a mutation in one
 * case (revoke, delete) never decides the outcome of another.
 */
export interface MatrixFixtures {
  tokens: Record<Role, string>;
  unit: Record<Where, string>;
  parent: Record<Where, string>;
  device: Record<Where, string>;
  media: Record<Where, string>;
  command: Record<Where, string>;
  user: Record<Where, number>;
  /** A username acting in each subtree, as it appears in audit entries. */
  actor: Record<Where, string>;
  groupName: Record<Where, string>;
  freshDevice(where: Where): Promise<string>;
  freshUser(where: Where): Promise<number>;
  freshUnit(where: Where): Promise<string>;
  freshGroup(where: Where): Promise<number>;
  freshToken(role: Role): Promise<{ token: string; id: number }>;
  /** A bulletin made by the admin in one subtree, in the given state. */
  freshBulletin(where: Where, state?: 'draft' | 'submitted', priority?: 1 | 3): Promise<number>;
  bulletinTitle: Record<Where, string>;
  unique(prefix: string): string;
}

const HOME: Record<Role, string> = {
  admin: 'VN',
  province_operator: '46',
  district_supervisor: '46',
  commune_operator: '19753',
  approver: '46',
  viewer: '19753',
};

export async function makeMatrixFixtures(server: TestServer): Promise<MatrixFixtures> {
  let n = 0;
  const unique = (prefix: string) => `${prefix}${Date.now() % 100000}${++n}`;
  const ok = async <T>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> => {
    const r = await p;
    if (r.status >= 300) throw new Error(`fixture ${what} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await ok(
    server.api('POST', '/api/v1/units', { code: '48', name: 'Tỉnh ngoài', level: 'province', parentCode: 'VN' }),
    'unit 48',
  );
  await ok(
    server.api('POST', '/api/v1/units', { code: '20200', name: 'Xã ngoài', level: 'commune', parentCode: '48' }),
    'unit 20200',
  );

  const password = 'matrix-password-1';
  const loginAs = async (username: string) =>
    (
      await ok(
        server.api<{ token: string }>('POST', '/api/v1/auth/login', { username, password }, null),
        `login ${username}`,
      )
    ).token;
  const createUser = async (role: Role, unitCode: string, username = unique(role.slice(0, 8).replace('_', ''))) => {
    const body = { username, displayName: username, password, role, unitCode };
    return (await ok(server.api<{ user: { id: number } }>('POST', '/api/v1/users', body), `user ${username}`)).user.id;
  };
  const apiToken = async (sessionToken: string) =>
    ok(
      server.api<{ token: string; id: number }>('POST', '/api/v1/auth/tokens', { name: unique('t') }, sessionToken),
      'token',
    );

  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    if (role === 'admin') {
      tokens.admin = (await apiToken(server.adminToken)).token;
      continue;
    }
    const username = `m-${role.replace('_', '-')}`;
    await createUser(role, HOME[role], username);
    tokens[role] = (await apiToken(await loginAs(username))).token;
  }

  // Media owned by each side: uploads belong to the uploader's unit.
  const outOperator = `m-out-op`;
  await createUser('commune_operator', '20200', outOperator);
  const outToken = await loginAs(outOperator);
  const tone = await makeTone({ seconds: 1, format: 'wav' });
  const upload = async (token: string) => {
    const r = await uploadFile(server, tone, 'm.wav', token);
    if (r.status !== 201) throw new Error(`fixture upload failed: ${r.status}`);
    return (r.body as { sha256: string }).sha256;
  };
  // Different audio per side, or de-duplication would make both one file.
  const media = { in: await upload(tokens.commune_operator), out: '' };
  const tone2 = await makeTone({ seconds: 2, format: 'wav' });
  const r2 = await uploadFile(server, tone2, 'm2.wav', outToken);
  media.out = (r2.body as { sha256: string }).sha256;

  const freshDevice = async (where: Where) =>
    (await registerDevice(server, where === 'in' ? '19753' : '20200', unique('dev'))).deviceId;
  const device = { in: await freshDevice('in'), out: await freshDevice('out') };
  const volume = async (id: string) =>
    (await ok(server.api<{ commandId: string }>('POST', `/api/v1/devices/${id}/volume`, { volume: 50 }), 'command'))
      .commandId;

  const makeBulletin = async (
    where: Where,
    title: string,
    state: 'draft' | 'submitted' = 'draft',
    priority: 1 | 3 = 3,
  ) => {
    const body = { unitCode: where === 'in' ? '19753' : '20200', title, priority, items: [{ sha256: media.in }] };
    const id = (await ok(server.api<{ bulletin: { id: number } }>('POST', '/api/v1/bulletins', body), 'bulletin'))
      .bulletin.id;
    if (state === 'submitted') await ok(server.api('POST', `/api/v1/bulletins/${id}/submit`), 'submit');
    return id;
  };
  const bulletinTitle = { in: unique('Bản tin trong '), out: unique('Bản tin ngoài ') };
  for (const where of ['in', 'out'] as const) await makeBulletin(where, bulletinTitle[where]);

  const groupName = { in: unique('gin'), out: unique('gout') };
  for (const where of ['in', 'out'] as const) {
    const body = { unitCode: where === 'in' ? '19753' : '20200', name: groupName[where] };
    await ok(server.api('POST', '/api/v1/groups', body), 'group');
  }

  return {
    tokens,
    actor: { in: 'm-viewer', out: outOperator },
    groupName,
    unit: { in: '19753', out: '20200' },
    parent: { in: '46', out: '48' },
    device,
    media,
    command: { in: await volume(device.in), out: await volume(device.out) },
    user: { in: await createUser('viewer', '19753'), out: await createUser('viewer', '20200') },
    freshDevice,
    freshUser: (where) => createUser('viewer', where === 'in' ? '19753' : '20200'),
    async freshUnit(where) {
      const code = unique('u');
      await ok(
        server.api('POST', '/api/v1/units', {
          code,
          name: code,
          level: 'commune',
          parentCode: where === 'in' ? '46' : '48',
        }),
        'unit',
      );
      return code;
    },
    async freshGroup(where) {
      const body = { unitCode: where === 'in' ? '19753' : '20200', name: unique('g') };
      return (await ok(server.api<{ group: { id: number } }>('POST', '/api/v1/groups', body), 'group')).group.id;
    },
    bulletinTitle,
    freshBulletin: (where, state, priority) => makeBulletin(where, unique('b'), state, priority),
    async freshToken(role) {
      return apiToken(tokens[role]);
    },
    unique,
  };
}
