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
export const SetMuteCommandSchema = z.object({
  ...commandBase,
  type: z.literal('setMute'),
  muted: z.boolean(),
});
/** Switches the amplifier through the receiver's `amplifierOn` / `amplifierOff` hook. */
export const AmplifierCommandSchema = z.object({
  ...commandBase,
  type: z.literal('amplifier'),
  on: z.boolean(),
});
/** Replied to and the outbox flushed first; then the receiver's `reboot` hook runs. */
export const RebootCommandSchema = z.object({ ...commandBase, type: z.literal('reboot') });
/** The agent process exits after replying; its supervisor (systemd) starts it again. */
export const RestartAgentCommandSchema = z.object({ ...commandBase, type: z.literal('restartAgent') });
/** Re-measures the offset to the server clock at once. */
export const SyncNowCommandSchema = z.object({ ...commandBase, type: z.literal('syncNow') });
/** Sends a heartbeat at once. */
export const ReportNowCommandSchema = z.object({ ...commandBase, type: z.literal('reportNow') });
/** Settings the server may change remotely; the receiver keeps them across restarts. Absent = unchanged. */
export const SetConfigCommandSchema = z.object({
  ...commandBase,
  type: z.literal('setConfig'),
  heartbeatIntervalS: z.number().int().min(1).max(3600).optional(),
  fmFallbackDelayS: z.number().int().min(1).max(86_400).optional(),
});
export const CommandSchema = z.discriminatedUnion('type', [
  PlayCommandSchema,
  StopCommandSchema,
  SetVolumeCommandSchema,
  SetMuteCommandSchema,
  AmplifierCommandSchema,
  RebootCommandSchema,
  RestartAgentCommandSchema,
  SyncNowCommandSchema,
  ReportNowCommandSchema,
  SetConfigCommandSchema,
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandType = Command['type'];
export type PlayCommand = z.infer<typeof PlayCommandSchema>;
export type SetConfigCommand = z.infer<typeof SetConfigCommandSchema>;

/** The closed set of reasons a device gives for refusing or failing a command. */
export const REPLY_ERROR_CODES = [
  'expired',
  'duplicate',
  'invalid',
  'unsupported',
  'download_failed',
  'checksum_mismatch',
  'player_failed',
  /** A play refused because what is on air has a higher priority level (mission.md §3). */
  'lower_priority',
  /** A hardware hook (shell command) of the receiver failed or timed out. */
  'hook_failed',
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

/**
 * One NTP-style clock sample, device side: `t0` is the device clock when it sent the request. QoS 0 on
 * purpose: a retransmitted request would measure the retransmission, not the link; a lost one is retried.
 */
export const TimeRequestSchema = z.object({
  ...envelope,
  t0: EpochMsSchema,
});
export type TimeRequest = z.infer<typeof TimeRequestSchema>;

/**
 * The server's answer: `t1` its clock on receipt, `t2` its clock just before publishing. With `t3`, the
 * device clock on receipt, offset = ((t1 − t0) + (t2 − t3)) / 2 and delay = (t3 − t0) − (t2 − t1).
 */
export const TimeResponseSchema = z.object({
  ...envelope,
  /** The `id` of the time request answered. */
  requestId: MessageIdSchema,
  t0: EpochMsSchema,
  t1: EpochMsSchema,
  t2: EpochMsSchema,
});
export type TimeResponse = z.infer<typeof TimeResponseSchema>;

/**
 * Something the receiver wants on record (FM fallback switched, a hook failed, the outbox filled up).
 * `type` is an open string so a newer agent's events still pass an older server's schema; the agent's
 * README lists the types it sends. Sent through the agent's on-disk outbox, like playback logs.
 */
export const DeviceEventSchema = z.object({
  ...envelope,
  type: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string().max(500).optional(),
  data: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])).optional(),
});
export type DeviceEvent = z.infer<typeof DeviceEventSchema>;
