import {
  EpochMsSchema,
  HealthSchema,
  MessageIdSchema,
  PlaybackEventSchema,
  PriorityCodeSchema,
  Sha256Schema,
  UnitCodeSchema,
  VolumeSchema,
} from '@nguon/schemas';
import { z } from 'zod';

/** Every message carries the contract version, a unique id and the sender's timestamp (epoch ms). */
const envelope = {
  v: z.literal(1),
  id: MessageIdSchema,
  ts: EpochMsSchema,
};

/** Retained on the device's presence topic; the offline form is the device's Last Will. */
export const PresenceSchema = z.object({
  ...envelope,
  state: z.enum(['online', 'offline']),
  /** Random per MQTT connection: lets the server discard a late Will from an older session. */
  session: z.string().min(1).max(64),
  agentVersion: z.string().max(40).optional(),
});
export type Presence = z.infer<typeof PresenceSchema>;

export const HeartbeatSchema = z.object({
  ...envelope,
  /** Increases by one per heartbeat within a session. */
  seq: z.number().int().nonnegative(),
  session: z.string().min(1).max(64),
  health: HealthSchema,
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export const MediaRefSchema = z.object({
  sha256: Sha256Schema,
  /** Absolute URL the device downloads from with its own credentials. */
  url: z.url({ protocol: /^https?$/ }),
  sizeBytes: z.number().int().positive(),
  durationMs: z.number().int().positive(),
});
export type MediaRef = z.infer<typeof MediaRefSchema>;

const commandBase = {
  ...envelope,
  /** After this instant (server time) the device must refuse the command with `expired`. */
  expiresAt: EpochMsSchema,
};

export const PlayCommandSchema = z.object({
  ...commandBase,
  type: z.literal('play'),
  /** Identifies this playback in logs; the same for every device reached by one area publish. */
  playId: MessageIdSchema,
  media: MediaRefSchema,
  priority: PriorityCodeSchema,
  volume: VolumeSchema.optional(),
});
export const StopCommandSchema = z.object({
  ...commandBase,
  type: z.literal('stop'),
  /** Stop only this playback; absent = stop whatever plays. */
  playId: MessageIdSchema.optional(),
});
export const SetVolumeCommandSchema = z.object({
  ...commandBase,
  type: z.literal('setVolume'),
  volume: VolumeSchema,
  muted: z.boolean().optional(),
});
export const CommandSchema = z.discriminatedUnion('type', [
  PlayCommandSchema,
  StopCommandSchema,
  SetVolumeCommandSchema,
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandType = Command['type'];
export type PlayCommand = z.infer<typeof PlayCommandSchema>;

/** The closed set of reasons a device gives for refusing or failing a command. */
export const REPLY_ERROR_CODES = [
  'expired',
  'duplicate',
  'invalid',
  'unsupported',
  'download_failed',
  'checksum_mismatch',
  'player_failed',
  'internal',
] as const;
export const ReplyErrorCodeSchema = z.enum(REPLY_ERROR_CODES);
export type ReplyErrorCode = z.infer<typeof ReplyErrorCodeSchema>;

/** A reply's `id` is the id of the command it answers; `replyId` is the reply's own unique id. */
export const ReplySchema = z.discriminatedUnion('ok', [
  z.object({
    v: z.literal(1),
    id: MessageIdSchema,
    replyId: MessageIdSchema,
    ts: EpochMsSchema,
    ok: z.literal(true),
    result: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    v: z.literal(1),
    id: MessageIdSchema,
    replyId: MessageIdSchema,
    ts: EpochMsSchema,
    ok: z.literal(false),
    error: z.object({ code: ReplyErrorCodeSchema, message: z.string().max(500) }),
  }),
]);
export type Reply = z.infer<typeof ReplySchema>;

/** One playback event. `id` is unique per log entry so the server can drop duplicates. */
export const PlaybackLogSchema = z.object({
  ...envelope,
  playId: MessageIdSchema,
  commandId: MessageIdSchema.optional(),
  sha256: Sha256Schema,
  event: PlaybackEventSchema,
  /** Instant the playback started (device's best estimate of server time). */
  startedAt: EpochMsSchema.optional(),
  /** Instant it ended, for finished/stopped/interrupted/failed. */
  endedAt: EpochMsSchema.optional(),
  playedMs: z.number().int().nonnegative().optional(),
  reason: z.string().max(500).optional(),
  volume: VolumeSchema.optional(),
});
export type PlaybackLog = z.infer<typeof PlaybackLogSchema>;

/** Retained per device: what it should be. `version` only grows; the device applies the newest it sees. */
export const DesiredStateSchema = z.object({
  ...envelope,
  version: z.number().int().nonnegative(),
  volume: VolumeSchema,
  muted: z.boolean(),
  /** Area paths (unit codes from the top) whose command topics the device subscribes to. */
  areas: z.array(z.array(UnitCodeSchema).min(1)).max(16),
});
export type DesiredState = z.infer<typeof DesiredStateSchema>;
