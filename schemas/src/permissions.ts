/**
 * The permission matrix: the one place that says which role may do what (issue 3). Every route names
 * one permission (see plugins/access.ts); the README's table is rendered from this object and a test
 * checks the two agree. Scope is separate: a user acts only within their unit's subtree (admin: all).
 */
export const ROLES = [
  'admin',
  'province_operator',
  'district_supervisor',
  'commune_operator',
  'approver',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { vi: string; en: string }> = {
  admin: { vi: 'Quản trị hệ thống', en: 'System admin' },
  province_operator: { vi: 'Cán bộ vận hành tỉnh', en: 'Province operator' },
  district_supervisor: { vi: 'Cán bộ giám sát huyện', en: 'District supervisor' },
  commune_operator: { vi: 'Cán bộ đài xã', en: 'Commune operator' },
  approver: { vi: 'Lãnh đạo duyệt tin', en: 'Approver (leader)' },
  viewer: { vi: 'Người xem', en: 'Viewer' },
};

const ALL = ROLES;
const OPERATORS = ['admin', 'province_operator', 'district_supervisor', 'commune_operator'] as const;

export const PERMISSIONS = {
  'units.read': { roles: ALL, what: 'see units in scope' },
  'units.write': { roles: ['admin', 'province_operator'], what: 'create, import, rename, move units' },
  'users.read': { roles: ['admin', 'province_operator', 'district_supervisor'], what: 'see accounts in scope' },
  'users.write': { roles: ['admin', 'province_operator'], what: 'create, change, disable accounts' },
  'devices.read': { roles: ALL, what: 'see receivers, their health, play logs and alerts' },
  'devices.write': {
    roles: ['admin', 'province_operator', 'district_supervisor'],
    what: 'register, edit, rotate credentials of, revoke receivers',
  },
  'devices.control': {
    roles: OPERATORS,
    what: 'send commands to receivers: play, stop, volume, mute, amplifier, reboot, sync, settings',
  },
  'groups.write': { roles: OPERATORS, what: 'create and change receiver groups (zones)' },
  'media.read': { roles: ALL, what: 'list, preview and download audio' },
  'media.write': { roles: OPERATORS, what: 'upload audio' },
  'bulletins.read': { roles: ALL, what: 'see bulletins and the approval queue' },
  'bulletins.write': { roles: OPERATORS, what: 'draft, edit, submit, withdraw, archive bulletins' },
  'bulletins.approve': { roles: ['admin', 'approver'], what: 'approve or reject submitted bulletins' },
  'bulletins.emergency': {
    roles: ['admin', 'province_operator'],
    what: 'send emergency content approved-on-send (audited as such)',
  },
  // Issue 7 / mission §2: emergencies are the province's (and, in three-level deployments, the district's)
  // to start, within their own subtree; a commune relays them but does not start one.
  'emergency.start': {
    roles: ['admin', 'province_operator', 'district_supervisor'],
    what: 'start and stop emergency broadcasts (interrupting everything) in their unit and below',
  },
  'emergency.read': { roles: ALL, what: 'see emergencies and who they reached' },
  'schedules.read': { roles: ALL, what: 'see schedules, programmes and scheduled-vs-played' },
  'schedules.write': { roles: OPERATORS, what: 'create, edit, pause, cancel schedules' },
  'cap.manage': {
    roles: ['admin', 'province_operator'],
    what: 'register and revoke CAP alert senders (agencies whose alerts go on air)',
  },
  'cap.read': { roles: OPERATORS, what: 'see the CAP alerts received and what became of them' },
  'live.read': { roles: ALL, what: 'see live broadcasts and listen to them (console preview)' },
  'live.broadcast': { roles: OPERATORS, what: 'start and stop live broadcasts: microphone, relay, file' },
  'alerts.ack': { roles: OPERATORS, what: 'acknowledge and resolve alerts' },
  'alerts.thresholds': {
    roles: ['admin', 'province_operator', 'district_supervisor'],
    what: "set a unit's alert thresholds (offline, temperature, storage), inherited by the units below",
  },
  'alerts.manage': { roles: ['admin', 'province_operator'], what: 'add, change and remove alert webhooks' },
  'reports.read': { roles: ALL, what: 'see uptime, proof-of-play and airtime reports, export them as CSV' },
  'audit.read': {
    roles: ['admin', 'province_operator', 'district_supervisor', 'approver'],
    what: 'read and export the audit log',
  },
  'uplink.view': {
    roles: ['admin', 'province_operator'],
    what: 'see the link to the national system: last success, backlog, errors',
  },
  'national.read': { roles: ['admin'], what: 'national mode: see the national overview of federated provinces' },
  'national.manage': {
    roles: ['admin'],
    what: 'national mode: federate provinces (issue their tokens), publish national bulletins',
  },
} as const satisfies Record<string, { roles: readonly Role[]; what: string }>;
export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function can(role: string, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly string[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** A user may grant only roles whose permissions are a subset of their own. */
export function mayGrant(granter: string, role: Role): boolean {
  if (granter === 'admin') return true;
  if (role === 'admin') return false;
  return PERMISSION_NAMES.every((p) => !can(role, p) || can(granter, p));
}

/** The matrix as a Markdown table, for the README. */
export function renderPermissionTable(): string {
  const head = `| permission | what | ${ROLES.join(' | ')} |`;
  const sep = `|---|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = PERMISSION_NAMES.map(
    (p) => `| \`${p}\` | ${PERMISSIONS[p].what} | ${ROLES.map((r) => (can(r, p) ? '✓' : '–')).join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}
