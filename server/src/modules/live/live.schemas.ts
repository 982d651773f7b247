import { Sha256Schema } from '@nguon/schemas';
import { z } from 'zod';

export const MOUNT_KINDS = ['mic', 'relay', 'file'] as const;
export type MountKind = (typeof MOUNT_KINDS)[number];

export const MountIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, 'a mount id');

const Common = {
  unitCode: z.string().min(1).max(32),
  title: z.string().trim().min(1).max(200),
  /** Push the mount to the configured Icecast server as well (scale-out); default: when configured. */
  icecast: z.boolean().nullish(),
};

export const StartMountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mic'), ...Common }),
  z.object({
    kind: z.literal('relay'),
    ...Common,
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// stream URL' }).max(2000),
  }),
  z.object({
    kind: z.literal('file'),
    ...Common,
    sha256: Sha256Schema,
    /** How many times the file is played before the mount ends (1–20). */
    plays: z.number().int().min(1).max(20).nullish(),
  }),
]);
export type StartMount = z.infer<typeof StartMountSchema>;

export const MOUNT_STATES = ['starting', 'live', 'ended'] as const;
export type MountState = (typeof MOUNT_STATES)[number];

export const MountSchema = z.object({
  id: z.string(),
  unitId: z.number().int(),
  title: z.string(),
  kind: z.enum(MOUNT_KINDS),
  state: z.enum(MOUNT_STATES),
  startedBy: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Why it ended: stopped, finished, source_lost, source_error, no_source, server_shutdown. */
  endReason: z.string().nullable(),
  /** Path receivers pull (relative to the server's public URL). */
  path: z.string(),
  listeners: z.number().int(),
  peakListeners: z.number().int(),
  connects: z.number().int(),
  droppedSlow: z.number().int(),
  /** Encoded bytes produced by the source, and bytes delivered to listeners. */
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  bitrateK: z.number().int(),
  sampleRate: z.number().int(),
  icecast: z
    .object({
      url: z.string(),
      state: z.enum(['connecting', 'pushing', 'failed', 'stopped']),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type MountInfo = z.infer<typeof MountSchema>;
