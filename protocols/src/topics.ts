import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';

/**
 * Every MQTT topic of Nguồn is built and parsed here, nowhere else.
 * `nguon/v1` carries the contract's major version: a breaking change gets a new root.
 *
 *   nguon/v1/dev/<deviceId>/<suffix>              one receiver
 *   nguon/v1/area/<code>/<code>/.../<suffix>      a unit subtree: province/district/commune codes from the top
 *
 * Area suffixes: `cmd` (commands) and `emergency` (the retained record of the area's emergency).
 */
export const TOPIC_ROOT = 'nguon/v1';
export const CONTRACT_VERSION = 1 as const;

export type AreaPath = readonly string[];

export const DEVICE_SUFFIXES = [
  'presence',
  'heartbeat',
  'log',
  'reply',
  'cmd',
  'desired',
  'event',
  'timereq',
  'time',
  'playlist',
  'emergency',
] as const;
export type DeviceSuffix = (typeof DEVICE_SUFFIXES)[number];
export const AREA_SUFFIXES = ['cmd', 'emergency'] as const;
export type AreaSuffix = (typeof AREA_SUFFIXES)[number];

function assertDeviceId(id: string): void {
  if (!DeviceIdSchema.safeParse(id).success) throw new TypeError(`not a valid device id for a topic: ${id}`);
}

function assertAreaPath(path: AreaPath): void {
  if (path.length === 0) throw new TypeError('an area path needs at least one unit code');
  for (const code of path) {
    if (!UnitCodeSchema.safeParse(code).success) throw new TypeError(`not a valid unit code for a topic: ${code}`);
  }
}

export function deviceTopic(deviceId: string, suffix: DeviceSuffix): string {
  assertDeviceId(deviceId);
  return `${TOPIC_ROOT}/dev/${deviceId}/${suffix}`;
}

export function areaTopic(path: AreaPath, suffix: AreaSuffix): string {
  assertAreaPath(path);
  return `${TOPIC_ROOT}/area/${path.join('/')}/${suffix}`;
}

export const topics = {
  devicePresence: (id: string) => deviceTopic(id, 'presence'),
  deviceHeartbeat: (id: string) => deviceTopic(id, 'heartbeat'),
  deviceLog: (id: string) => deviceTopic(id, 'log'),
  deviceReply: (id: string) => deviceTopic(id, 'reply'),
  deviceCommand: (id: string) => deviceTopic(id, 'cmd'),
  deviceDesired: (id: string) => deviceTopic(id, 'desired'),
  devicePlaylist: (id: string) => deviceTopic(id, 'playlist'),
  deviceEvent: (id: string) => deviceTopic(id, 'event'),
  deviceTimeRequest: (id: string) => deviceTopic(id, 'timereq'),
  deviceTime: (id: string) => deviceTopic(id, 'time'),
  deviceEmergency: (id: string) => deviceTopic(id, 'emergency'),
  areaCommand: (path: AreaPath) => areaTopic(path, 'cmd'),
  areaEmergency: (path: AreaPath) => areaTopic(path, 'emergency'),
};

/** Subscription filter matching one suffix on every device (for the server). */
export function allDevicesFilter(suffix: DeviceSuffix): string {
  return `${TOPIC_ROOT}/dev/+/${suffix}`;
}

export type ParsedTopic =
  | { scope: 'device'; deviceId: string; suffix: DeviceSuffix }
  | { scope: 'area'; path: string[]; suffix: AreaSuffix };

/** Parses a concrete topic (no wildcards). Returns null for anything outside the contract. */
export function parseTopic(topic: string): ParsedTopic | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (!topic.startsWith(prefix)) return null;
  const parts = topic.slice(prefix.length).split('/');
  const scope = parts[0];
  const suffix = parts[parts.length - 1] ?? '';
  if (scope === 'dev' && parts.length === 3) {
    const deviceId = parts[1] ?? '';
    if (!DeviceIdSchema.safeParse(deviceId).success) return null;
    if (!(DEVICE_SUFFIXES as readonly string[]).includes(suffix)) return null;
    return { scope: 'device', deviceId, suffix: suffix as DeviceSuffix };
  }
  if (scope === 'area' && parts.length >= 3) {
    const path = parts.slice(1, -1);
    if (!path.every((c) => UnitCodeSchema.safeParse(c).success)) return null;
    if (!(AREA_SUFFIXES as readonly string[]).includes(suffix)) return null;
    return { scope: 'area', path, suffix: suffix as AreaSuffix };
  }
  return null;
}
