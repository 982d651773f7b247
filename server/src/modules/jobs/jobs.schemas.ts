import { z } from 'zod';

export const JOB_KINDS = ['transcode', 'tts'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINISHED: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Why a job failed: an API error code (`unprocessable`, `unsupported_media`, …) when the work itself
 * refused, or one of the runner's own: `input_lost` (a restart found the input gone), `interrupted`
 * (restarts kept killing it), `internal`.
 */
export const JobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof JobErrorSchema>;

/** A job as the API shows it. Its input stays server-side (it names server paths); its title does not. */
export const JobSchema = z.object({
  id: z.number().int(),
  kind: z.enum(JOB_KINDS),
  state: z.enum(JOB_STATES),
  /** 0..1, written at most twice a second while running. */
  progress: z.number().min(0).max(1),
  title: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: JobErrorSchema.nullable(),
  unitId: z.number().int(),
  createdBy: z.number().int().nullable(),
  attempts: z.number().int(),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
});
export type Job = z.infer<typeof JobSchema>;
