import {
  AmplifierCommandSchema,
  type Command,
  SetConfigCommandSchema,
  SetMuteCommandSchema,
  SetVolumeCommandSchema,
  StopCommandSchema,
} from '@nguon/protocols';
import { Sha256Schema, VolumeSchema } from '@nguon/schemas';
import { z } from 'zod';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command before the server stamps it (version, id, time, expiry). */
export type CommandBody = DistributiveOmit<Command, 'v' | 'id' | 'ts' | 'expiresAt'>;

const bare = (type: 'reboot' | 'restartAgent' | 'syncNow' | 'reportNow') =>
  z.object({ type: z.literal(type) }).strict();

/**
 * What an operator may send to receivers (issue 5, remote control), one body per command type. The
 * bounds come from the MQTT contract's schemas, so the API cannot accept what a receiver would refuse.
 * `play` names stored audio by its sha256; the server fills in the URL, size and duration.
 */
export const OperatorCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('play'), sha256: Sha256Schema, volume: VolumeSchema.optional() }).strict(),
  StopCommandSchema.pick({ type: true, playId: true }).strict(),
  SetVolumeCommandSchema.pick({ type: true, volume: true, muted: true }).strict(),
  SetMuteCommandSchema.pick({ type: true, muted: true }).strict(),
  AmplifierCommandSchema.pick({ type: true, on: true }).strict(),
  bare('reboot'),
  bare('restartAgent'),
  bare('syncNow'),
  bare('reportNow'),
  SetConfigCommandSchema.pick({ type: true, heartbeatIntervalS: true, fmFallbackDelayS: true })
    .strict()
    .refine((b) => b.heartbeatIntervalS !== undefined || b.fmFallbackDelayS !== undefined, {
      message: 'give heartbeatIntervalS or fmFallbackDelayS',
    }),
]);
export type OperatorCommand = z.infer<typeof OperatorCommandSchema>;

/** Where a command goes: one receiver, the members of a group, or every receiver of a unit's subtree. */
export type CommandTarget =
  | { kind: 'device'; id: string }
  | { kind: 'group'; id: number }
  | { kind: 'unit'; id: number };

/** What the operator sees of one receiver's answer. `no_reply`: expired without a reply from it. */
export type CommandStatus = 'ok' | 'error' | 'pending' | 'no_reply';
