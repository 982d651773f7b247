import { EpochMsSchema, MessageIdSchema, VolumeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { type DeviceEvent, MediaRefSchema } from './messages.js';

/**
 * Emergency broadcasts (issue 7). The server publishes ONE retained message per targeted area on
 * `area/<path>/emergency` (and on `dev/<id>/emergency` for single receivers): the broker fans it out to
 * every connected receiver at once, and a receiver that subscribes later while it is valid gets it as
 * the retained record and joins. Stopping replaces the record with an `emergencyStop`.
 */
const envelope = { v: z.literal(1), id: MessageIdSchema, ts: EpochMsSchema };

export const EmergencyAudioSchema = z.discriminatedUnion('kind', [
  /** Downloaded with the device's credentials, checked, cached and played like scheduled media. */
  z.object({ kind: z.literal('file'), media: MediaRefSchema }),
  /**
   * A continuous audio/mpeg stream. `auth: 'device'` (a mount of our own server): the receiver sends
   * its device id and secret as HTTP Basic auth; `none`: an external URL, pulled without credentials.
   */
  z.object({
    kind: z.literal('stream'),
    url: z.url({ protocol: /^https?$/ }),
    auth: z.enum(['device', 'none']),
  }),
]);
export type EmergencyAudio = z.infer<typeof EmergencyAudioSchema>;

export const EmergencyStartMessageSchema = z.object({
  ...envelope,
  type: z.literal('emergency'),
  emergencyId: MessageIdSchema,
  title: z.string().max(200),
  source: EmergencyAudioSchema,
  /** Times a file is played back to back (1–20); ignored for a stream. */
  repeat: z.number().int().min(1).max(20),
  volume: VolumeSchema,
  /** Server time of the operator's start: reports are measured from it. */
  startedAt: EpochMsSchema,
  /** Server time: the receiver stops then, and one that learns of it later does not join. */
  expiresAt: EpochMsSchema,
});
export type EmergencyStartMessage = z.infer<typeof EmergencyStartMessageSchema>;

export const EmergencyStopMessageSchema = z.object({
  ...envelope,
  type: z.literal('emergencyStop'),
  emergencyId: MessageIdSchema,
  reason: z.string().max(200).optional(),
});
export type EmergencyStopMessage = z.infer<typeof EmergencyStopMessageSchema>;

export const EmergencyMessageSchema = z.discriminatedUnion('type', [
  EmergencyStartMessageSchema,
  EmergencyStopMessageSchema,
]);
export type EmergencyMessage = z.infer<typeof EmergencyMessageSchema>;

/**
 * What a receiver reports, as device events (`event` kind) through its durable outbox: `data` holds
 * `emergencyId`, `at` (server time by the receiver's clock sync) and for `failed` a `reason`.
 * `finished` carries `outcome`: finished (played through), stopped, expired or superseded.
 */
export const EMERGENCY_STAGES = ['received', 'started', 'finished', 'failed'] as const;
export type EmergencyStage = (typeof EMERGENCY_STAGES)[number];
export const emergencyEventType = (stage: EmergencyStage) => `emergency.${stage}` as const;

export interface EmergencyReport {
  stage: EmergencyStage;
  emergencyId: string;
  at: number;
  reason?: string;
  outcome?: string;
}

/** Reads an emergency report out of a device event; null for any other event or a malformed one. */
export function parseEmergencyReport(event: Pick<DeviceEvent, 'type' | 'data'>): EmergencyReport | null {
  if (!event.type.startsWith('emergency.')) return null;
  const stage = event.type.slice('emergency.'.length) as EmergencyStage;
  if (!EMERGENCY_STAGES.includes(stage)) return null;
  const id = event.data?.emergencyId;
  const at = event.data?.at;
  if (typeof id !== 'string' || typeof at !== 'number' || !Number.isFinite(at)) return null;
  const reason = event.data?.reason;
  const outcome = event.data?.outcome;
  return {
    stage,
    emergencyId: id,
    at,
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof outcome === 'string' ? { outcome } : {}),
  };
}
