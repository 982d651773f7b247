import { can, type Permission, ROLES, type Role } from '@nguon/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone } from './support/audio.js';
import { type MatrixFixtures, makeMatrixFixtures, type Where } from './support/matrix-fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

interface Req {
  url: string;
  body?: unknown;
  /** Upload this file as multipart instead of a JSON body. */
  file?: string;
  /** Form fields sent before the file. */
  fields?: Record<string, string>;
  /** A never-ending response (server-sent events): read its first event, then hang up. */
  stream?: boolean;
}
/** 'cap-sender': authenticated by a CAP sender's token only, so every user's token gets 401. */
type Rule = Permission | 'self' | 'public' | 'cap-sender';
interface Case {
  rule: Rule;
  /** The target is always the caller's own unit (e.g. an upload): no outside variant. */
  own?: boolean;
  /** For lists (which filter rather than refuse): text that must appear for "in" and never for "out". */
  listed?: (f: MatrixFixtures, w: Where) => string;
  make: (f: MatrixFixtures, w: Where, role: Role) => Promise<Req> | Req;
}

let tone = '';
/** Every route of the server, its rule, and how to aim a request at a target inside or outside scope. */
const CASES: Record<string, Case> = {
  'GET /health': { rule: 'public', make: () => ({ url: '/health' }) },
  'GET /*': { rule: 'public', make: () => ({ url: '/receivers' }) },
  'POST /api/v1/auth/login': {
    rule: 'public',
    make: () => ({ url: '/api/v1/auth/login', body: { username: 'm-viewer', password: 'matrix-password-1' } }),
  },
  'POST /api/v1/auth/logout': { rule: 'self', make: () => ({ url: '/api/v1/auth/logout' }) },
  'GET /api/v1/auth/me': { rule: 'self', make: () => ({ url: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/password': {
    rule: 'self',
    make: () => ({ url: '/api/v1/auth/password', body: { current: 'matrix-password-1', next: 'matrix-password-1' } }),
  },
  'GET /api/v1/auth/tokens': { rule: 'self', make: () => ({ url: '/api/v1/auth/tokens' }) },
  'POST /api/v1/auth/tokens': { rule: 'self', make: () => ({ url: '/api/v1/auth/tokens', body: { name: 'x' } }) },
  'DELETE /api/v1/auth/tokens/:tokenId': {
    rule: 'self',
    make: async (f, _w, role) => ({ url: `/api/v1/auth/tokens/${(await f.freshToken(role)).id}` }),
  },
  'GET /api/v1/users': {
    rule: 'users.read',
    listed: (f, w) => `"id":${f.user[w]},`,
    make: () => ({ url: '/api/v1/users' }),
  },
  'GET /api/v1/users/:id': { rule: 'users.read', make: (f, w) => ({ url: `/api/v1/users/${f.user[w]}` }) },
  'POST /api/v1/users': {
    rule: 'users.write',
    make: (f, w) => ({
      url: '/api/v1/users',
      body: {
        username: f.unique('nu'),
        displayName: 'x',
        password: 'long-enough-1',
        role: 'viewer',
        unitCode: f.unit[w],
      },
    }),
  },
  'PATCH /api/v1/users/:id': {
    rule: 'users.write',
    make: async (f, w) => ({ url: `/api/v1/users/${await f.freshUser(w)}`, body: { displayName: 'đổi tên' } }),
  },
  'POST /api/v1/users/:id/password': {
    rule: 'users.write',
    make: async (f, w) => ({
      url: `/api/v1/users/${await f.freshUser(w)}/password`,
      body: { password: 'another-pass-1' },
    }),
  },
  'GET /api/v1/audit': {
    rule: 'audit.read',
    listed: (f, w) => f.actor[w],
    make: () => ({ url: '/api/v1/audit?limit=10000' }),
  },
  'GET /api/v1/audit/export.csv': {
    rule: 'audit.read',
    listed: (f, w) => f.actor[w],
    make: () => ({ url: '/api/v1/audit/export.csv?limit=10000' }),
  },
  'GET /api/v1/units': {
    rule: 'units.read',
    listed: (f, w) => `"code":"${f.unit[w]}"`,
    make: () => ({ url: '/api/v1/units' }),
  },
  'GET /api/v1/units/:code': { rule: 'units.read', make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}` }) },
  'POST /api/v1/units': {
    rule: 'units.write',
    make: (f, w) => ({
      url: '/api/v1/units',
      body: { code: f.unique('c'), name: 'Xã mới', level: 'commune', parentCode: f.parent[w] },
    }),
  },
  'POST /api/v1/units/import': {
    rule: 'units.write',
    make: (f, w) => ({
      url: '/api/v1/units/import',
      body: { units: [{ code: f.unique('i'), name: 'Xã nhập', level: 'commune', parentCode: f.parent[w] }] },
    }),
  },
  'PATCH /api/v1/units/:code': {
    rule: 'units.write',
    make: async (f, w) => ({ url: `/api/v1/units/${await f.freshUnit(w)}`, body: { name: 'Tên mới' } }),
  },
  'POST /api/v1/devices': {
    rule: 'devices.write',
    make: (f, w) => ({ url: '/api/v1/devices', body: { unitCode: f.unit[w], name: 'Loa' } }),
  },
  'GET /api/v1/devices': {
    rule: 'devices.read',
    listed: (f, w) => `"${f.device[w]}"`,
    make: () => ({ url: '/api/v1/devices' }),
  },
  'GET /api/v1/devices/:id': { rule: 'devices.read', make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}` }) },
  'PATCH /api/v1/devices/:id': {
    rule: 'devices.write',
    make: async (f, w) => ({ url: `/api/v1/devices/${await f.freshDevice(w)}`, body: { name: 'Loa đổi tên' } }),
  },
  'POST /api/v1/devices/:id/credentials': {
    rule: 'devices.write',
    make: async (f, w) => ({ url: `/api/v1/devices/${await f.freshDevice(w)}/credentials` }),
  },
  'POST /api/v1/devices/:id/revoke': {
    rule: 'devices.write',
    make: async (f, w) => ({ url: `/api/v1/devices/${await f.freshDevice(w)}/revoke` }),
  },
  'POST /api/v1/devices/:id/play': {
    rule: 'devices.control',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/play`, body: { sha256: f.media.in } }),
  },
  'POST /api/v1/devices/:id/stop': {
    rule: 'devices.control',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/stop` }),
  },
  'POST /api/v1/devices/:id/volume': {
    rule: 'devices.control',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/volume`, body: { volume: 40 } }),
  },
  'GET /api/v1/devices/:id/logs': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/logs` }),
  },
  'POST /api/v1/devices/:id/commands': {
    rule: 'devices.control',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/commands`, body: { type: 'reportNow' } }),
  },
  'GET /api/v1/devices/:id/commands': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/commands` }),
  },
  'POST /api/v1/groups/:id/commands': {
    rule: 'devices.control',
    make: async (f, w) => ({ url: `/api/v1/groups/${await f.freshGroup(w)}/commands`, body: { type: 'syncNow' } }),
  },
  'POST /api/v1/units/:code/commands': {
    rule: 'devices.control',
    make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}/commands`, body: { type: 'reportNow' } }),
  },
  'GET /api/v1/devices/:id/events': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/events` }),
  },
  'GET /api/v1/commands/:id': { rule: 'devices.read', make: (f, w) => ({ url: `/api/v1/commands/${f.command[w]}` }) },
  'POST /api/v1/groups': {
    rule: 'groups.write',
    make: (f, w) => ({ url: '/api/v1/groups', body: { unitCode: f.unit[w], name: f.unique('g') } }),
  },
  'GET /api/v1/groups': {
    rule: 'devices.read',
    listed: (f, w) => `"name":"${f.groupName[w]}"`,
    make: () => ({ url: '/api/v1/groups' }),
  },
  'GET /api/v1/groups/:id': {
    rule: 'devices.read',
    make: async (f, w) => ({ url: `/api/v1/groups/${await f.freshGroup(w)}` }),
  },
  'PATCH /api/v1/groups/:id': {
    rule: 'groups.write',
    make: async (f, w) => ({ url: `/api/v1/groups/${await f.freshGroup(w)}`, body: { name: f.unique('g') } }),
  },
  'DELETE /api/v1/groups/:id': {
    rule: 'groups.write',
    make: async (f, w) => ({ url: `/api/v1/groups/${await f.freshGroup(w)}` }),
  },
  'GET /api/v1/bulletins': {
    rule: 'bulletins.read',
    listed: (f, w) => f.bulletinTitle[w],
    make: () => ({ url: '/api/v1/bulletins' }),
  },
  'GET /api/v1/bulletins/:id': {
    rule: 'bulletins.read',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w)}` }),
  },
  'POST /api/v1/bulletins': {
    rule: 'bulletins.write',
    make: (f, w) => ({
      url: '/api/v1/bulletins',
      body: { unitCode: f.unit[w], title: 'Tin', items: [{ sha256: f.media.in }] },
    }),
  },
  'PATCH /api/v1/bulletins/:id': {
    rule: 'bulletins.write',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w)}`, body: { title: 'Sửa' } }),
  },
  'POST /api/v1/bulletins/:id/submit': {
    rule: 'bulletins.write',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w)}/submit` }),
  },
  'POST /api/v1/bulletins/:id/withdraw': {
    rule: 'bulletins.write',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w, 'submitted')}/withdraw` }),
  },
  'POST /api/v1/bulletins/:id/archive': {
    rule: 'bulletins.write',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w)}/archive` }),
  },
  'POST /api/v1/bulletins/:id/approve': {
    rule: 'bulletins.approve',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w, 'submitted')}/approve` }),
  },
  'POST /api/v1/bulletins/:id/reject': {
    rule: 'bulletins.approve',
    make: async (f, w) => ({
      url: `/api/v1/bulletins/${await f.freshBulletin(w, 'submitted')}/reject`,
      body: { reason: 'Sai chính tả' },
    }),
  },
  'POST /api/v1/bulletins/:id/approve-on-send': {
    rule: 'bulletins.emergency',
    make: async (f, w) => ({ url: `/api/v1/bulletins/${await f.freshBulletin(w, 'draft', 1)}/approve-on-send` }),
  },
  'POST /api/v1/emergencies': {
    rule: 'emergency.start',
    make: (f, w) => ({ url: '/api/v1/emergencies', body: f.emergencyBody(w) }),
  },
  'POST /api/v1/emergencies/:id/stop': {
    rule: 'emergency.start',
    make: async (f, w) => ({ url: `/api/v1/emergencies/${await f.freshEmergency(w)}/stop`, body: {} }),
  },
  'GET /api/v1/emergencies': {
    rule: 'emergency.read',
    listed: (f, w) => f.emergencyTitle[w],
    make: () => ({ url: '/api/v1/emergencies' }),
  },
  'GET /api/v1/emergencies/:id': {
    rule: 'emergency.read',
    make: (f, w) => ({ url: `/api/v1/emergencies/${f.emergency[w]}` }),
  },
  'GET /api/v1/emergencies/:id/events': {
    rule: 'emergency.read',
    make: (f, w) => ({ url: `/api/v1/emergencies/${f.emergency[w]}/events?once=1` }),
  },
  'GET /api/v1/schedules': {
    rule: 'schedules.read',
    listed: (f, w) => f.scheduleTitle[w],
    make: () => ({ url: '/api/v1/schedules' }),
  },
  'GET /api/v1/schedules/:id': {
    rule: 'schedules.read',
    make: async (f, w) => ({ url: `/api/v1/schedules/${await f.freshSchedule(w)}` }),
  },
  'POST /api/v1/schedules': {
    rule: 'schedules.write',
    make: (f, w) => ({ url: '/api/v1/schedules', body: f.scheduleBody(w) }),
  },
  'PUT /api/v1/schedules/:id': {
    rule: 'schedules.write',
    make: async (f, w) => {
      const { unitCode: _u, ...body } = f.scheduleBody(w);
      return { url: `/api/v1/schedules/${await f.freshSchedule(w)}`, body };
    },
  },
  'POST /api/v1/schedules/:id/pause': {
    rule: 'schedules.write',
    make: async (f, w) => ({ url: `/api/v1/schedules/${await f.freshSchedule(w)}/pause` }),
  },
  'POST /api/v1/schedules/:id/resume': {
    rule: 'schedules.write',
    make: async (f, w) => ({ url: `/api/v1/schedules/${await f.freshSchedule(w)}/resume` }),
  },
  'POST /api/v1/schedules/:id/cancel': {
    rule: 'schedules.write',
    make: async (f, w) => ({ url: `/api/v1/schedules/${await f.freshSchedule(w)}/cancel` }),
  },
  'GET /api/v1/devices/:id/playlist': {
    rule: 'schedules.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/playlist` }),
  },
  'GET /api/v1/devices/:id/schedule-report': {
    rule: 'schedules.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/schedule-report` }),
  },
  'GET /api/v1/units/:code/schedule-report': {
    rule: 'schedules.read',
    make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}/schedule-report` }),
  },
  'POST /api/v1/library': {
    rule: 'media.write',
    make: (f, w) => ({ url: '/api/v1/library', file: tone, fields: { unitCode: f.unit[w] } }),
  },
  'POST /api/v1/library/tts': {
    rule: 'media.write',
    make: (f, w) => ({
      url: '/api/v1/library/tts',
      body: { text: 'Thông báo lịch tiêm phòng.', title: f.unique('tts'), unitCode: f.unit[w] },
    }),
  },
  'GET /api/v1/library': {
    rule: 'media.read',
    listed: (f, w) => `"id":${f.item[w]},`,
    make: () => ({ url: '/api/v1/library?limit=500' }),
  },
  'GET /api/v1/library/:id': { rule: 'media.read', make: (f, w) => ({ url: `/api/v1/library/${f.item[w]}` }) },
  'GET /api/v1/library/:id/audio': {
    rule: 'media.read',
    make: (f, w) => ({ url: `/api/v1/library/${f.item[w]}/audio` }),
  },
  'DELETE /api/v1/library/:id': {
    rule: 'media.write',
    make: async (f, w) => ({ url: `/api/v1/library/${await f.freshItem(w)}` }),
  },
  'GET /api/v1/jobs': {
    rule: 'media.read',
    listed: (f, w) => `"id":${f.job[w]},`,
    make: () => ({ url: '/api/v1/jobs?limit=500' }),
  },
  'GET /api/v1/jobs/:id': { rule: 'media.read', make: (f, w) => ({ url: `/api/v1/jobs/${f.job[w]}` }) },
  'POST /api/v1/jobs/:id/cancel': {
    rule: 'media.write',
    make: (f, w) => ({ url: `/api/v1/jobs/${f.job[w]}/cancel` }),
  },
  'GET /api/v1/devices/:id/health': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/health` }),
  },
  'GET /api/v1/devices/:id/presence': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/devices/${f.device[w]}/presence` }),
  },
  'GET /api/v1/alerts': {
    rule: 'devices.read',
    listed: (f, w) => `"id":${f.alert[w]},`,
    make: () => ({ url: '/api/v1/alerts?limit=5000' }),
  },
  'GET /api/v1/alerts/stream': {
    rule: 'devices.read',
    listed: (f, w) => `"id":${f.alert[w]},`,
    make: () => ({ url: '/api/v1/alerts/stream', stream: true }),
  },
  'GET /api/v1/alerts/:id': { rule: 'devices.read', make: (f, w) => ({ url: `/api/v1/alerts/${f.alert[w]}` }) },
  'GET /api/v1/units/:code/alert-thresholds': {
    rule: 'devices.read',
    make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}/alert-thresholds` }),
  },
  'PUT /api/v1/units/:code/alert-thresholds': {
    rule: 'alerts.thresholds',
    make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}/alert-thresholds`, body: { tempC: 80 } }),
  },
  'DELETE /api/v1/units/:code/alert-thresholds': {
    rule: 'alerts.thresholds',
    make: (f, w) => ({ url: `/api/v1/units/${f.unit[w]}/alert-thresholds` }),
  },
  'POST /api/v1/alerts/:id/ack': {
    rule: 'alerts.ack',
    make: (f, w) => ({ url: `/api/v1/alerts/${f.freshAlert(w)}/ack` }),
  },
  'POST /api/v1/alerts/:id/resolve': {
    rule: 'alerts.ack',
    make: (f, w) => ({ url: `/api/v1/alerts/${f.freshAlert(w)}/resolve` }),
  },
  'GET /api/v1/alert-webhooks': {
    rule: 'alerts.manage',
    listed: (f, w) => f.webhookName[w],
    make: () => ({ url: '/api/v1/alert-webhooks' }),
  },
  'POST /api/v1/alert-webhooks': {
    rule: 'alerts.manage',
    make: (f, w) => ({
      url: '/api/v1/alert-webhooks',
      body: { unitCode: f.unit[w], name: 'Nhận cảnh báo', url: 'http://127.0.0.1:9/x' },
    }),
  },
  'PATCH /api/v1/alert-webhooks/:id': {
    rule: 'alerts.manage',
    make: async (f, w) => ({ url: `/api/v1/alert-webhooks/${await f.freshWebhook(w)}`, body: { enabled: false } }),
  },
  'DELETE /api/v1/alert-webhooks/:id': {
    rule: 'alerts.manage',
    make: async (f, w) => ({ url: `/api/v1/alert-webhooks/${await f.freshWebhook(w)}` }),
  },
  'GET /api/v1/alert-webhooks/:id/deliveries': {
    rule: 'alerts.manage',
    make: async (f, w) => ({ url: `/api/v1/alert-webhooks/${await f.freshWebhook(w)}/deliveries` }),
  },
  'GET /api/v1/reports/units/:code': {
    rule: 'reports.read',
    make: (f, w) => ({ url: `/api/v1/reports/units/${f.unit[w]}` }),
  },
  'GET /api/v1/reports/units/:code/report.csv': {
    rule: 'reports.read',
    make: (f, w) => ({ url: `/api/v1/reports/units/${f.unit[w]}/report.csv` }),
  },
  'POST /api/v1/media': { rule: 'media.write', own: true, make: () => ({ url: '/api/v1/media', file: tone }) },
  'GET /api/v1/media': {
    rule: 'media.read',
    listed: (f, w) => `"${f.media[w]}"`,
    make: () => ({ url: '/api/v1/media' }),
  },
  'GET /api/v1/media/:sha256': { rule: 'media.read', make: (f, w) => ({ url: `/api/v1/media/${f.media[w]}` }) },
  'POST /api/v1/cap/alerts': {
    rule: 'cap-sender',
    make: (f) => ({ url: '/api/v1/cap/alerts', body: f.capAlertXml.in }),
  },
  'GET /api/v1/cap/alerts': {
    rule: 'cap.read',
    listed: (f, w) => `"identifier":"${f.capAlertIdentifier[w]}"`,
    make: () => ({ url: '/api/v1/cap/alerts?limit=500' }),
  },
  'GET /api/v1/cap/alerts/:id': {
    rule: 'cap.read',
    make: (f, w) => ({ url: `/api/v1/cap/alerts/${f.capAlert[w]}` }),
  },
  'POST /api/v1/cap/senders': {
    rule: 'cap.manage',
    make: (f, w) => ({
      url: '/api/v1/cap/senders',
      body: { sender: f.unique('s'), name: 'Đài KTTV', unitCode: f.unit[w] },
    }),
  },
  'GET /api/v1/cap/senders': {
    rule: 'cap.manage',
    listed: (f, w) => `"sender":"${f.capSender[w]}"`,
    make: () => ({ url: '/api/v1/cap/senders' }),
  },
  'POST /api/v1/cap/senders/:id/revoke': {
    rule: 'cap.manage',
    make: async (f, w) => ({ url: `/api/v1/cap/senders/${await f.freshCapSender(w)}/revoke` }),
  },
  'GET /api/v1/media/:sha256/file': {
    rule: 'media.read',
    make: (f, w) => ({ url: `/api/v1/media/${f.media[w]}/file` }),
  },
  // The national link. This server runs without national mode, so national routes answer 404 to those
  // the access rule admits; province-token routes are `public` to the access plugin (their own token check
  // is covered by test/src/federation*.test.ts).
  'GET /api/uplink/status': { rule: 'uplink.view', own: true, make: () => ({ url: '/api/uplink/status' }) },
  'POST /api/national/v1/status': { rule: 'public', make: () => ({ url: '/api/national/v1/status', body: {} }) },
  'POST /api/national/v1/playlogs': { rule: 'public', make: () => ({ url: '/api/national/v1/playlogs', body: {} }) },
  'POST /api/national/v1/schedules': {
    rule: 'public',
    make: () => ({ url: '/api/national/v1/schedules', body: {} }),
  },
  'GET /api/national/v1/bulletins': { rule: 'public', make: () => ({ url: '/api/national/v1/bulletins?since=0' }) },
  'GET /api/national/v1/bulletins/:id/audio': {
    rule: 'public',
    make: () => ({ url: '/api/national/v1/bulletins/x/audio' }),
  },
  'POST /api/national/v1/bulletins': {
    rule: 'national.manage',
    make: () => ({ url: '/api/national/v1/bulletins', body: {} }),
  },
  'GET /api/national/provinces': { rule: 'national.manage', make: () => ({ url: '/api/national/provinces' }) },
  'POST /api/national/provinces': {
    rule: 'national.manage',
    make: (f) => ({ url: '/api/national/provinces', body: { code: f.unique('p'), name: 'Tỉnh' } }),
  },
  'GET /api/national/overview': { rule: 'national.read', make: () => ({ url: '/api/national/overview' }) },
  'GET /api/v1/live': {
    rule: 'live.read',
    listed: (f, w) => `"id":"${f.mount[w]}"`,
    make: () => ({ url: '/api/v1/live' }),
  },
  'GET /api/v1/live/:id': { rule: 'live.read', make: (f, w) => ({ url: `/api/v1/live/${f.mount[w]}` }) },
  'POST /api/v1/live': {
    rule: 'live.broadcast',
    make: (f, w) => ({ url: '/api/v1/live', body: { kind: 'mic', unitCode: f.unit[w], title: 'Trực tiếp' } }),
  },
  'DELETE /api/v1/live/:id': {
    rule: 'live.broadcast',
    make: async (f, w) => ({ url: `/api/v1/live/${await f.freshMount(w)}` }),
  },
  // Without an Upgrade header the WebSocket route answers 404 once access is granted.
  'GET /api/v1/live/:id/source': {
    rule: 'live.broadcast',
    make: async (f, w) => ({ url: `/api/v1/live/${await f.freshMount(w)}/source` }),
  },
  // An ended mount: access is judged as for a live one, and the answer (404) ends the response.
  'GET /live/:id.mp3': { rule: 'live.read', make: (f, w) => ({ url: `/live/${f.mount[w]}.mp3` }) },
};

/** Reads a server-sent-event stream up to the end of its first data event, then cancels it. */
async function firstEvent(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe('every route enforces role and unit scope (the permission matrix)', () => {
  let server: TestServer;
  let f: MatrixFixtures;

  beforeAll(async () => {
    // Alert evaluation off: it would resolve the fixtures' alerts, whose receivers never connect.
    server = await startTestServer({ NGUON_ALERT_EVAL_S: '3600' });
    f = await makeMatrixFixtures(server);
    tone = await makeTone({ seconds: 1, format: 'wav' });
  }, 120_000);
  afterAll(async () => server?.close());

  async function send(method: string, req: Req, token: string | null): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let body: FormData | string | undefined;
    if (req.file) {
      const form = new FormData();
      for (const [name, value] of Object.entries(req.fields ?? {})) form.append(name, value);
      form.append('file', new Blob([await import('node:fs/promises').then((fs) => fs.readFile(req.file!))]), 'a.wav');
      body = form;
    } else if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const res = await fetch(`${server.baseUrl}${req.url}`, { method, headers, ...(body ? { body } : {}) });
    if (req.stream && res.ok && res.body) return { status: res.status, text: await firstEvent(res.body) };
    return { status: res.status, text: await res.text() };
  }

  const isList = (key: string) =>
    server.running.app.routeAccess.some(
      (r) => r.method === 'GET' && `${r.method} ${r.url}` === key && 'unit' in r.access && r.access.unit === 'filter',
    );

  it('has a case for every registered route, with the rule the route declares', () => {
    const registered = server.running.app.routeAccess.filter((r) => r.method !== 'HEAD');
    const missing = registered.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in CASES));
    expect(missing, 'routes without a row in the matrix test').toEqual([]);
    for (const r of registered) {
      const declared =
        'public' in r.access
          ? 'public'
          : 'self' in r.access
            ? 'self'
            : 'credentials' in r.access
              ? r.access.credentials
              : r.access.permission;
      expect(declared, `${r.method} ${r.url}`).toBe(CASES[`${r.method} ${r.url}`]!.rule);
    }
    const unchecked = Object.keys(CASES).filter((k) => isList(k) && !CASES[k]!.listed);
    expect(unchecked, 'list routes whose filtering no case checks').toEqual([]);
    const stale = Object.keys(CASES).filter((k) => !registered.some((r) => `${r.method} ${r.url}` === k));
    expect(stale, 'matrix rows for routes that do not exist').toEqual([]);
  });

  it.each(Object.keys(CASES))('%s', async (key) => {
    const c = CASES[key]!;
    const method = key.split(' ')[0]!;
    const problems: string[] = [];
    const anon = await send(method, await c.make(f, 'in', 'viewer'), null);
    if (c.rule !== 'public' && anon.status !== 401) problems.push(`anonymous: ${anon.status}, want 401`);
    if (c.rule === 'public') expect(anon.status).not.toBe(401);

    for (const role of ROLES) {
      const single = c.own || c.rule === 'self' || c.rule === 'public' || c.rule === 'cap-sender' || isList(key);
      for (const where of single ? (['in'] as const) : (['in', 'out'] as const)) {
        const allowed =
          c.rule === 'public' ||
          c.rule === 'self' ||
          (c.rule !== 'cap-sender' && can(role, c.rule) && (where === 'in' || role === 'admin'));
        const refusal = c.rule === 'cap-sender' ? 401 : 403;
        const token = key === 'POST /api/v1/auth/logout' ? (await f.freshToken(role)).token : f.tokens[role];
        const res = await send(method, await c.make(f, where, role), token);
        const denied = res.status === 401 || res.status === 403;
        if (allowed && denied) problems.push(`${role} ${where}: ${res.status} ${res.text.slice(0, 120)}, want allowed`);
        if (!allowed && res.status !== refusal) problems.push(`${role} ${where}: ${res.status}, want ${refusal}`);
        if (allowed && res.status >= 500) problems.push(`${role} ${where}: ${res.status} ${res.text.slice(0, 120)}`);
        if (c.listed && allowed && !denied) {
          const [inText, outText] = [c.listed(f, 'in'), c.listed(f, 'out')];
          if (!res.text.includes(inText)) problems.push(`${role}: list lacks ${inText}`);
          const showsOut = res.text.includes(outText);
          if (role !== 'admin' && showsOut) problems.push(`${role}: list shows out-of-scope ${outText}`);
          if (role === 'admin' && !showsOut) problems.push(`admin: list lacks ${outText}`);
        }
      }
    }
    expect(problems, key).toEqual([]);
  });
});
