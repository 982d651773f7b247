import { HealthSchema } from '@nguon/schemas';
import { z } from 'zod';
import { get, post, query } from './http.js';

export const DeviceStatusSchema = z.object({
  online: z.boolean(),
  session: z.string().nullable(),
  changedAt: z.number(),
  lastSeenAt: z.number(),
  agentVersion: z.string().nullable(),
  health: HealthSchema.nullable(),
});
export const DeviceSchema = z.object({
  id: z.string(),
  unitId: z.number().int(),
  name: z.string(),
  hardwareId: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  tags: z.array(z.string()),
  volume: z.number(),
  muted: z.boolean(),
  revokedAt: z.number().nullable(),
  createdAt: z.number(),
});
export const DeviceRowSchema = DeviceSchema.extend({ status: DeviceStatusSchema.nullable() });
export type DeviceRow = z.infer<typeof DeviceRowSchema>;
export type DeviceState = 'offline' | 'online' | 'playing' | 'revoked';

export function stateOf(d: Pick<DeviceRow, 'status' | 'revokedAt'>): DeviceState {
  if (d.revokedAt !== null) return 'revoked';
  if (!d.status?.online) return 'offline';
  return d.status.health?.playing ? 'playing' : 'online';
}

export function countStates(list: readonly DeviceRow[]): Record<DeviceState, number> {
  const c: Record<DeviceState, number> = { offline: 0, online: 0, playing: 0, revoked: 0 };
  for (const d of list) c[stateOf(d)]++;
  return c;
}

export const PlaybackLogSchema = z.object({
  id: z.string(),
  playId: z.string(),
  sha256: z.string(),
  event: z.string(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  playedMs: z.number().nullable(),
  reason: z.string().nullable(),
  receivedAt: z.number(),
});
export type PlaybackLog = z.infer<typeof PlaybackLogSchema>;

export const PlaylistItemSchema = z.object({
  key: z.string(),
  title: z.string(),
  scheduleId: z.number(),
  status: z.string(),
  reason: z.string().nullable(),
  plannedStart: z.string(),
  local: z.string(),
  durationMs: z.number(),
  priority: z.number(),
});

export const listDevices = () =>
  get('/api/v1/devices', z.object({ devices: z.array(DeviceRowSchema) })).then((r) => r.devices);
export const getDevice = (id: string) =>
  get(
    `/api/v1/devices/${encodeURIComponent(id)}`,
    z.object({ device: DeviceSchema, status: DeviceStatusSchema.nullable() }),
  );
export const deviceLogs = (id: string, limit = 50) =>
  get(
    `/api/v1/devices/${encodeURIComponent(id)}/logs${query({ limit })}`,
    z.object({ logs: z.array(PlaybackLogSchema) }),
  );
export const devicePlaylist = (id: string) =>
  get(`/api/v1/devices/${encodeURIComponent(id)}/playlist`, z.object({ items: z.array(PlaylistItemSchema) }));

const Accepted = z.object({ commandId: z.string(), expiresAt: z.number() }).loose();
export const playNow = (id: string, sha256: string) =>
  post(`/api/v1/devices/${encodeURIComponent(id)}/play`, { sha256 }, Accepted);
export const stopPlaying = (id: string) => post(`/api/v1/devices/${encodeURIComponent(id)}/stop`, {}, Accepted);
export const setVolume = (id: string, volume: number, muted?: boolean) =>
  post(
    `/api/v1/devices/${encodeURIComponent(id)}/volume`,
    { volume, ...(muted === undefined ? {} : { muted }) },
    Accepted,
  );

export const GroupSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitCode: z.string(),
  name: z.string(),
  deviceCount: z.number(),
});
export type Group = z.infer<typeof GroupSchema>;
/** Receiver groups (zones) in scope, for targeting schedules. */
export const listGroups = () => get('/api/v1/groups', z.object({ groups: z.array(GroupSchema) })).then((r) => r.groups);
