import { z } from 'zod';

/**
 * Priority levels of Thông tư 39/2020/TT-BTTTT, with the codes deployed systems use
 * (MucDoUuTien 1 = emergency, 2 = priority, 3 = normal): a lower code wins.
 */
export const PRIORITY = { emergency: 1, priority: 2, normal: 3 } as const;
export const PriorityCodeSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type PriorityCode = z.infer<typeof PriorityCodeSchema>;

export const VolumeSchema = z.number().int().min(0).max(100);

export const LinkTypeSchema = z.enum(['ethernet', 'wifi', 'cellular', 'unknown']);
export type LinkType = z.infer<typeof LinkTypeSchema>;

/** Receiver health as the agent reports it. `null` means the sensor is absent or unreadable. */
export const HealthSchema = z.object({
  uptimeS: z.number().nonnegative(),
  agentUptimeS: z.number().nonnegative(),
  cpuTempC: z.number().min(-60).max(150).nullable(),
  load1: z.number().nonnegative().nullable(),
  memTotalMb: z.number().nonnegative().nullable(),
  memUsedPct: z.number().min(0).max(100).nullable(),
  diskTotalMb: z.number().nonnegative().nullable(),
  diskUsedPct: z.number().min(0).max(100).nullable(),
  volume: z.number().int().min(0).max(100),
  muted: z.boolean(),
  agentVersion: z.string().max(40),
  link: z.object({
    type: LinkTypeSchema,
    signalDbm: z.number().min(-200).max(50).nullable(),
  }),
  playing: z.object({ playId: z.string().max(100), sha256: z.string().max(64) }).nullable(),
});
export type Health = z.infer<typeof HealthSchema>;

/** What became of one playback, as the agent logs it. */
export const PlaybackEventSchema = z.enum(['started', 'finished', 'stopped', 'interrupted', 'failed']);
export type PlaybackEvent = z.infer<typeof PlaybackEventSchema>;
