import { ROLES, type Role } from '@nguon/schemas';
import { makeTone } from './audio.js';
import { capFixture, capTime, createCapSender, postCap } from './cap.js';
import { uploadToLibrary, waitForJob } from './library.js';
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
  /** An approved bulletin of each side and a schedule body aimed at each side. */
  approved: Record<Where, number>;
  scheduleBody(where: Where): Record<string, unknown>;
  freshSchedule(where: Where): Promise<number>;
  scheduleTitle: Record<Where, string>;
  /** A library item and a (finished) job in each subtree's commune. */
  item: Record<Where, number>;
  job: Record<Where, number>;
  /** A new item (in a new unit below that side's commune, sharing content already stored), to delete. */
  freshItem(where: Where): Promise<number>;
  /** Live mounts (microphone, no source yet): `mount` ended, `freshMount` waiting for its source. */
  mount: Record<Where, string>;
  freshMount(where: Where): Promise<string>;
  unique(prefix: string): string;
  /** A CAP sender of each side (its CAP sender id), a stored (Test, not aired) alert of each, its XML. */
  capSender: Record<Where, string>;
  freshCapSender(where: Where): Promise<number>;
  capAlert: Record<Where, string>;
  capAlertIdentifier: Record<Where, string>;
  capAlertXml: Record<Where, string>;
  /** An emergency started by the admin on each side's commune, its title, and a body to start one. */
  emergency: Record<Where, string>;
  emergencyTitle: Record<Where, string>;
  emergencyBody(where: Where): Record<string, unknown>;
  freshEmergency(where: Where): Promise<string>;
  /** An open alert (commune's receiver offline) and an alert webhook in each subtree (issue 8). */
  freshAlert(where: Where): number;
  alert: Record<Where, number>;
  freshWebhook(where: Where): Promise<number>;
  webhookName: Record<Where, string>;
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

  const approve = async (where: Where) => {
    const id = await makeBulletin(where, unique('duyet'), 'submitted');
    await ok(server.api('POST', `/api/v1/bulletins/${id}/approve`), 'approve');
    return id;
  };
  const approved = { in: await approve('in'), out: await approve('out') };
  let minute = 0;
  const scheduleBody = (where: Where, title?: string) => {
    // Each schedule at its own minute of a far-future day, so none overlaps another.
    minute++;
    const day = new Date(Date.now() + (200 + Math.floor(minute / 600)) * 86_400_000).toISOString().slice(0, 10);
    const at = `${day}T${String(6 + Math.floor((minute % 600) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    return {
      bulletinId: approved[where],
      unitCode: where === 'in' ? '19753' : '20200',
      ...(title ? { title } : {}),
      recurrence: { kind: 'once', at },
      targets: [{ unit: where === 'in' ? '19753' : '20200' }],
    };
  };
  const freshSchedule = async (where: Where, title?: string) =>
    (
      await ok(
        server.api<{ schedule: { id: number } }>('POST', '/api/v1/schedules', scheduleBody(where, title)),
        'schedule',
      )
    ).schedule.id;
  const scheduleTitle = { in: unique('Lịch trong '), out: unique('Lịch ngoài ') };
  for (const where of ['in', 'out'] as const) await freshSchedule(where, scheduleTitle[where]);

  const groupName = { in: unique('gin'), out: unique('gout') };
  for (const where of ['in', 'out'] as const) {
    const body = { unitCode: where === 'in' ? '19753' : '20200', name: groupName[where] };
    await ok(server.api('POST', '/api/v1/groups', body), 'group');
  }

  // Library: the media uploaded above are items of their uploaders' units; a job per side is made by
  // new content, and deletable items by content already stored, adopted by a fresh commune.
  const libraryCode = (where: Where) => (where === 'in' ? '19753' : '20200');
  const adopt = async (where: Where, unitCode = libraryCode(where)) => {
    const r = await uploadToLibrary(server, where === 'in' ? tone : tone2, { unitCode });
    if (r.status !== 200 && r.status !== 201)
      throw new Error(`fixture library item: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.item.id;
  };
  const libraryJob = async (where: Where) => {
    const r = await uploadToLibrary(server, await makeTone({ seconds: where === 'in' ? 1.5 : 2.5, format: 'wav' }), {
      unitCode: libraryCode(where),
    });
    if (r.status !== 202) throw new Error(`fixture library job: ${r.status} ${JSON.stringify(r.body)}`);
    return (await waitForJob(server, r.body.job.id)).id;
  };
  const item = { in: await adopt('in'), out: await adopt('out') };
  const job = { in: await libraryJob('in'), out: await libraryJob('out') };
  const freshItem = async (where: Where) => {
    const code = unique('li');
    // Below the side's commune, so the commune's own operator may delete it.
    const parentCode = libraryCode(where);
    await ok(server.api('POST', '/api/v1/units', { code, name: code, level: 'commune', parentCode }), 'unit');
    return adopt(where, code);
  };

  const capSender = { in: unique('kttv-in-'), out: unique('kttv-out-') };
  const capAlertIdentifier = { in: unique('cap-in-'), out: unique('cap-out-') };
  const capAlertXml = { in: '', out: '' };
  const capAlert = { in: '', out: '' };
  for (const where of ['in', 'out'] as const) {
    const unitCode = libraryCode(where);
    const { token } = await createCapSender(server, { sender: capSender[where], unitCode });
    capAlertXml[where] = await capFixture('test-status.xml', {
      IDENTIFIER: capAlertIdentifier[where],
      SENDER: capSender[where],
      SENT: capTime(Date.now()),
      UNIT_CODE: unitCode,
    });
    const r = await postCap(server, capAlertXml[where], token);
    if (r.status !== 201 || !r.body.alert) throw new Error(`fixture CAP alert: ${r.status} ${JSON.stringify(r.body)}`);
    capAlert[where] = r.body.alert.id;
  }
  const freshCapSender = async (where: Where) =>
    (await createCapSender(server, { sender: unique('s'), unitCode: libraryCode(where) })).id;

  const freshMount = async (where: Where) => {
    const body = { kind: 'mic', unitCode: libraryCode(where), title: unique('Phát trực tiếp ') };
    return (await ok(server.api<{ mount: { id: string } }>('POST', '/api/v1/live', body), 'live mount')).mount.id;
  };
  const mount = { in: await freshMount('in'), out: await freshMount('out') };
  for (const id of Object.values(mount)) await ok(server.api('DELETE', `/api/v1/live/${id}`), 'stop mount');

  const emergencyBody = (where: Where, title = unique('Khẩn ')) => ({
    title,
    targets: { units: [libraryCode(where)] },
    source: { kind: 'media', sha256: media.in },
    validForS: 120,
  });
  const freshEmergency = async (where: Where, title?: string) =>
    (
      await ok(
        server.api<{ emergency: { id: string } }>('POST', '/api/v1/emergencies', emergencyBody(where, title)),
        'emergency',
      )
    ).emergency.id;
  const emergencyTitle = { in: unique('Khẩn trong '), out: unique('Khẩn ngoài ') };
  const emergency = {
    in: await freshEmergency('in', emergencyTitle.in),
    out: await freshEmergency('out', emergencyTitle.out),
  };

  // Alerts and webhooks (issue 8): opened through the service, as the rules would.
  const freshAlert = (where: Where) => {
    const unit = server.running.services.units.byCode(where === 'in' ? '19753' : '20200');
    if (!unit) throw new Error('fixture alert: unit missing');
    const c = {
      kind: 'device_offline' as const,
      unitId: unit.id,
      severity: 'warning' as const,
      devices: [device[where]],
      details: {},
    };
    return server.running.services.monitoring.alerts.open(c).id;
  };
  const webhookName = { in: unique('wh-in-'), out: unique('wh-out-') };
  const freshWebhook = async (where: Where, name = unique('wh')) =>
    (
      await ok(
        server.api<{ webhook: { id: number } }>('POST', '/api/v1/alert-webhooks', {
          unitCode: where === 'in' ? '19753' : '20200',
          name,
          url: 'http://127.0.0.1:9/hook',
        }),
        'webhook',
      )
    ).webhook.id;
  for (const where of ['in', 'out'] as const) await freshWebhook(where, webhookName[where]);

  return {
    capSender,
    freshCapSender,
    capAlert,
    capAlertIdentifier,
    capAlertXml,
    mount,
    freshMount,
    emergency,
    emergencyTitle,
    emergencyBody: (where) => emergencyBody(where),
    freshEmergency: (where) => freshEmergency(where),
    freshAlert,
    alert: { in: freshAlert('in'), out: freshAlert('out') },
    freshWebhook: (where) => freshWebhook(where),
    webhookName,
    item,
    job,
    freshItem,
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
    approved,
    scheduleBody: (where) => scheduleBody(where),
    freshSchedule: (where) => freshSchedule(where),
    scheduleTitle,
    freshBulletin: (where, state, priority) => makeBulletin(where, unique('b'), state, priority),
    async freshToken(role) {
      return apiToken(tokens[role]);
    },
    unique,
  };
}
