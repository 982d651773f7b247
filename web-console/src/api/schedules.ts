import { RecurrenceSchema, type ScheduleInput, ScheduleInputSchema, ScheduleTargetSchema } from '@nguon/schemas';
import { z } from 'zod';
import { ApiError, get, post } from './http.js';

export const ScheduleSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  bulletinId: z.number().int(),
  title: z.string(),
  recurrence: RecurrenceSchema,
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  repeat: z.object({ count: z.number(), intervalMinutes: z.number() }).nullable(),
  targets: z.array(ScheduleTargetSchema),
  beforeIncomingPriority: z.boolean(),
  state: z.enum(['active', 'paused', 'cancelled']),
  revision: z.number(),
  createdAt: z.number(),
  next: z.array(z.object({ at: z.string(), local: z.string() })),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

/** One overlap the server found (a 409, or the list kept with acceptConflicts). */
export const ConflictSchema = z.object({
  scheduleId: z.number(),
  title: z.string(),
  priority: z.number(),
  origin: z.string(),
  overlaps: z.number(),
  devices: z.number(),
  firstAt: z.string(),
  resolution: z.string(),
});
export type Conflict = z.infer<typeof ConflictSchema>;

const Created = z.object({ schedule: ScheduleSchema, conflicts: z.array(ConflictSchema) });

export const listSchedules = () =>
  get('/api/v1/schedules', z.object({ schedules: z.array(ScheduleSchema) })).then((r) => r.schedules);

export type CreateOutcome =
  | { ok: true; schedule: Schedule; conflicts: Conflict[] }
  | { ok: false; conflicts: Conflict[] };

/** Creates a schedule; an overlap comes back as the server's conflicts for the operator to accept or adjust. */
export async function createSchedule(input: ScheduleInput, unitCode?: string): Promise<CreateOutcome> {
  ScheduleInputSchema.parse(input);
  try {
    const r = await post('/api/v1/schedules', { ...input, ...(unitCode ? { unitCode } : {}) }, Created);
    return { ok: true, ...r };
  } catch (err) {
    const conflicts = conflictsOf(err);
    if (conflicts) return { ok: false, conflicts };
    throw err;
  }
}

export function conflictsOf(err: unknown): Conflict[] | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const parsed = z.object({ conflicts: z.array(ConflictSchema) }).safeParse(err.details);
  return parsed.success ? parsed.data.conflicts : null;
}

export const setScheduleState = (id: number, action: 'pause' | 'resume' | 'cancel') =>
  post(`/api/v1/schedules/${id}/${action}`, {}, z.object({ schedule: ScheduleSchema }));
