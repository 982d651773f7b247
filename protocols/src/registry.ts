import type { z } from 'zod';
import { EmergencyMessageSchema } from './emergency.js';
import {
  CommandSchema,
  DesiredStateSchema,
  DeviceEventSchema,
  HeartbeatSchema,
  PlaybackLogSchema,
  PresenceSchema,
  ReplySchema,
  TimeRequestSchema,
  TimeResponseSchema,
} from './messages.js';
import { PlaylistSchema } from './playlist.js';
import type { AreaSuffix, DeviceSuffix } from './topics.js';

export type QoS = 0 | 1;

interface KindSpecBase<S extends z.ZodType> {
  schema: S;
  qos: QoS;
  retain: boolean;
  /** Who publishes it. The broker's ACL lets a device publish only `device` kinds on its own topics. */
  from: 'device' | 'server';
}
export interface DeviceKindSpec<S extends z.ZodType> extends KindSpecBase<S> {
  scope: 'device';
  suffix: DeviceSuffix;
}
export interface AreaKindSpec<S extends z.ZodType> extends KindSpecBase<S> {
  scope: 'area';
  suffix: AreaSuffix;
}

/**
 * The one registry of message kinds: topic, payload schema, QoS and retain flag.
 * Presence and desired state are retained so a (re)connecting party learns the latest at once.
 * Heartbeats are QoS 0: the next one supersedes a lost one. Everything that must not be lost is QoS 1.
 */
export const registry = {
  presence: { scope: 'device', suffix: 'presence', schema: PresenceSchema, qos: 1, retain: true, from: 'device' },
  heartbeat: { scope: 'device', suffix: 'heartbeat', schema: HeartbeatSchema, qos: 0, retain: false, from: 'device' },
  playbackLog: { scope: 'device', suffix: 'log', schema: PlaybackLogSchema, qos: 1, retain: false, from: 'device' },
  reply: { scope: 'device', suffix: 'reply', schema: ReplySchema, qos: 1, retain: false, from: 'device' },
  command: { scope: 'device', suffix: 'cmd', schema: CommandSchema, qos: 1, retain: false, from: 'server' },
  desired: { scope: 'device', suffix: 'desired', schema: DesiredStateSchema, qos: 1, retain: true, from: 'server' },
  areaCommand: { scope: 'area', suffix: 'cmd', schema: CommandSchema, qos: 1, retain: false, from: 'server' },
  event: { scope: 'device', suffix: 'event', schema: DeviceEventSchema, qos: 1, retain: false, from: 'device' },
  // Clock samples are QoS 0: a redelivered sample would carry the redelivery's delay, not the link's.
  timeRequest: {
    scope: 'device',
    suffix: 'timereq',
    schema: TimeRequestSchema,
    qos: 0,
    retain: false,
    from: 'device',
  },
  playlist: { scope: 'device', suffix: 'playlist', schema: PlaylistSchema, qos: 1, retain: true, from: 'server' },
  // Retained: one publish per area reaches every connected receiver at once, and a receiver that
  // (re)subscribes while the emergency is valid joins it (issue 7). Replaced by the stop record.
  emergency: {
    scope: 'area',
    suffix: 'emergency',
    schema: EmergencyMessageSchema,
    qos: 1,
    retain: true,
    from: 'server',
  },
  deviceEmergency: {
    scope: 'device',
    suffix: 'emergency',
    schema: EmergencyMessageSchema,
    qos: 1,
    retain: true,
    from: 'server',
  },
  timeResponse: {
    scope: 'device',
    suffix: 'time',
    schema: TimeResponseSchema,
    qos: 0,
    retain: false,
    from: 'server',
  },
} as const satisfies Record<string, DeviceKindSpec<z.ZodType> | AreaKindSpec<z.ZodType>>;

export type Registry = typeof registry;
export type MessageKind = keyof Registry;
export type DeviceKind = { [K in MessageKind]: Registry[K]['scope'] extends 'device' ? K : never }[MessageKind];
export type AreaKind = { [K in MessageKind]: Registry[K]['scope'] extends 'area' ? K : never }[MessageKind];
export type Payload<K extends MessageKind> = z.infer<Registry[K]['schema']>;

export const MESSAGE_KINDS = Object.keys(registry) as MessageKind[];

export function kindFor(scope: 'device' | 'area', suffix: string): MessageKind | undefined {
  return MESSAGE_KINDS.find((k) => registry[k].scope === scope && registry[k].suffix === suffix);
}
