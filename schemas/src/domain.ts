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

/** Decoded `vcgencmd get_throttled` bits: "now" is bits 0/2, "ever" (since boot) is bits 16/18. */
export const PowerStateSchema = z.object({
  underVoltage: z.boolean(),
  underVoltageEver: z.boolean(),
  throttled: z.boolean(),
  throttledEver: z.boolean(),
});
export type PowerState = z.infer<typeof PowerStateSchema>;

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
    /** Cellular modem's signal quality 0–100 % (ModemManager), null without a modem. */
    signalQualityPct: z.number().min(0).max(100).nullable().optional(),
    /** Cellular access technology as ModemManager names it (`lte`, `umts`, `gsm`…), null without a modem. */
    accessTech: z.string().max(40).nullable().optional(),
  }),
  playing: z.object({ playId: z.string().max(100), sha256: z.string().max(64) }).nullable(),
  // The fields below were added after the first agents shipped: optional, so older heartbeats still pass.
  /** Raspberry Pi firmware flags (`vcgencmd get_throttled`); null where there is no such reading. */
  power: PowerStateSchema.nullable().optional(),
  /** Last state the amplifier hook switched to; null when unknown (no hook, or not switched since start). */
  amplifierOn: z.boolean().nullable().optional(),
  /** FM fallback is on (the receiver lost the server for longer than its fallback delay). */
  fmActive: z.boolean().optional(),
  /** The on-disk outbox reached its bound: telemetry is being dropped, or new playback logs refused. */
  outboxFull: z.boolean().optional(),
  /** Logs, events and replies on disk waiting for the broker's acknowledgement. */
  outboxPending: z.number().int().nonnegative().optional(),
  /** Playback logs refused because the outbox was full of playback logs, since the agent started. */
  outboxRefusedLogs: z.number().int().nonnegative().optional(),
  /** Server clock minus device clock (ms) from the last clock sync; null before the first one. */
  clockOffsetMs: z.number().int().nullable().optional(),
  /** Media cache size on disk. */
  cacheUsedMb: z.number().nonnegative().nullable().optional(),
  /** Speaker line check of the receiver's hook (false: open or shorted line); null or absent: not measured. */
  speakerLineOk: z.boolean().nullable().optional(),
  /** The amplifier reports a fault (protection, overheating); null or absent: not measured. */
  amplifierFault: z.boolean().nullable().optional(),
});
export type Health = z.infer<typeof HealthSchema>;

/** What became of one playback, as the agent logs it. */
export const PlaybackEventSchema = z.enum(['started', 'finished', 'stopped', 'interrupted', 'failed', 'skipped']);
export type PlaybackEvent = z.infer<typeof PlaybackEventSchema>;
