import { Sha256Schema, VolumeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { get, post, query } from './http.js';

/**
 * Remote control (server/src/modules/playback/command-bodies.ts): `POST /api/v1/devices/:id/commands`
 * with one body per command type (bounds as in the MQTT contract), and the receiver's command history
 * with its replies from `GET /api/v1/devices/:id/commands`.
 */
const bare = <T extends 'reboot' | 'restartAgent' | 'syncNow' | 'reportNow'>(type: T) =>
  z.object({ type: z.literal(type) }).strict();
export const OperatorCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('play'), sha256: Sha256Schema, volume: VolumeSchema.optional() }).strict(),
  z.object({ type: z.literal('stop'), playId: z.string().max(100).optional() }).strict(),
  z.object({ type: z.literal('setVolume'), volume: VolumeSchema, muted: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('setMute'), muted: z.boolean() }).strict(),
  z.object({ type: z.literal('amplifier'), on: z.boolean() }).strict(),
  bare('reboot'),
  bare('restartAgent'),
  bare('syncNow'),
  bare('reportNow'),
  z
    .object({
      type: z.literal('setConfig'),
      heartbeatIntervalS: z.number().int().min(1).max(3600).optional(),
      fmFallbackDelayS: z.number().int().min(1).max(86_400).optional(),
    })
    .strict()
    .refine((b) => b.heartbeatIntervalS !== undefined || b.fmFallbackDelayS !== undefined, {
      message: 'give heartbeatIntervalS or fmFallbackDelayS',
    }),
]);
export type OperatorCommand = z.infer<typeof OperatorCommandSchema>;

export const SentCommandSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  expiresAt: z.number(),
  devices: z.number(),
  playId: z.string().optional(),
});

export const CommandStatusSchema = z.enum(['ok', 'error', 'pending', 'no_reply']);
export type CommandStatus = z.infer<typeof CommandStatusSchema>;

export const CommandWithReplySchema = z.object({
  id: z.string(),
  type: z.string(),
  target: z.object({ kind: z.string(), id: z.string() }),
  payload: z.record(z.string(), z.unknown()),
  createdBy: z.number().nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: CommandStatusSchema,
  reply: z
    .object({
      ok: z.boolean(),
      error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
      result: z.unknown(),
      receivedAt: z.number(),
    })
    .nullable(),
});
export type CommandWithReply = z.infer<typeof CommandWithReplySchema>;

export const sendCommand = (deviceId: string, body: OperatorCommand) =>
  post(
    `/api/v1/devices/${encodeURIComponent(deviceId)}/commands`,
    OperatorCommandSchema.parse(body),
    SentCommandSchema,
  );
export const commandHistory = (deviceId: string, limit = 20) =>
  get(
    `/api/v1/devices/${encodeURIComponent(deviceId)}/commands${query({ limit })}`,
    z.object({ commands: z.array(CommandWithReplySchema), nextBefore: z.number().nullable() }),
  );

/** The same commands to every receiver of a group (zone) or of a unit's whole subtree. */
export const sendGroupCommand = (groupId: number, body: OperatorCommand) =>
  post(`/api/v1/groups/${groupId}/commands`, OperatorCommandSchema.parse(body), SentCommandSchema);
export const sendUnitCommand = (unitCode: string, body: OperatorCommand) =>
  post(`/api/v1/units/${encodeURIComponent(unitCode)}/commands`, OperatorCommandSchema.parse(body), SentCommandSchema);

/** One command with every receiver's reply so far (`GET /api/v1/commands/:id`). */
export const CommandRepliesSchema = z.object({
  id: z.string(),
  type: z.string(),
  targetKind: z.string(),
  target: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  replies: z.array(
    z.object({
      deviceId: z.string(),
      ok: z.boolean(),
      errorCode: z.string().nullable(),
      errorMessage: z.string().nullable(),
      receivedAt: z.number(),
    }),
  ),
});
export type CommandReplies = z.infer<typeof CommandRepliesSchema>;
export const getCommand = (id: string) =>
  get(`/api/v1/commands/${encodeURIComponent(id)}`, z.object({ command: CommandRepliesSchema })).then((r) => r.command);
