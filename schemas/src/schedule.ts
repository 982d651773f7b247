import { z } from 'zod';
import { DeviceIdSchema, UnitCodeSchema } from './ids.js';

/**
 * Vietnam keeps UTC+7 all year (no daylight saving), so local wall time ↔ UTC is a fixed shift.
 * Schedules are stored in UTC and entered and shown in Asia/Ho_Chi_Minh.
 */
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VN_OFFSET_MS = 7 * 3_600_000;

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * An instant from what an operator typed: a wall time without offset is Vietnam time; one with an
 * offset or `Z` (what a browser in another time zone sends) is taken as the exact instant it names.
 */
export function parseVnDateTime(value: string): number {
  const m = LOCAL_DATETIME.exec(value);
  if (m) {
    const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
    const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : s) - VN_OFFSET_MS;
    const back = new Date(utc + VN_OFFSET_MS);
    if (back.getUTCDate() !== d || back.getUTCMonth() !== mo! - 1 || h! > 23 || mi! > 59) return Number.NaN;
    return utc;
  }
  return /[zZ]|[+-]\d\d:\d\d$/.test(value) ? Date.parse(value) : Number.NaN;
}

/** `YYYY-MM-DD HH:mm` in Vietnam time, for showing an instant to an operator. */
export function formatVn(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** UTC instant of local midnight starting a Vietnam calendar date `YYYY-MM-DD`. */
export function vnDateStart(date: string): number {
  return parseVnDateTime(`${date}T00:00`);
}

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:mm');
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const DateTimeInput = z.string().refine((v) => !Number.isNaN(parseVnDateTime(v)), {
  message: 'a date and time: 2026-11-21T07:00 (Vietnam time) or ISO 8601 with an offset',
});

export const RecurrenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once'), at: DateTimeInput }).strict(),
  z.object({ kind: z.literal('daily'), time: HHMM }).strict(),
  z
    .object({
      kind: z.literal('weekly'),
      /** ISO weekdays: 1 Monday (Thứ Hai) … 7 Sunday (Chủ Nhật). */
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      time: HHMM,
    })
    .strict(),
  z.object({ kind: z.literal('cron'), expr: z.string().trim().min(9).max(100) }).strict(),
]);
export type Recurrence = z.infer<typeof RecurrenceSchema>;

export const ScheduleTargetSchema = z.union([
  z.object({ unit: UnitCodeSchema }).strict(),
  z.object({ group: z.number().int().positive() }).strict(),
  z.object({ device: DeviceIdSchema }).strict(),
]);
export type ScheduleTarget = z.infer<typeof ScheduleTargetSchema>;

/** A schedule (lịch phát) as an operator enters it. */
export const ScheduleInputSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    bulletinId: z.number().int().positive(),
    recurrence: RecurrenceSchema,
    startDate: LocalDate.optional(),
    endDate: LocalDate.optional(),
    /** Play each occurrence `count` times, `intervalMinutes` apart. */
    repeat: z
      .object({ count: z.number().int().min(1).max(24), intervalMinutes: z.number().int().min(1).max(720) })
      .strict()
      .optional(),
    targets: z.array(ScheduleTargetSchema).min(1).max(100),
    /** A commune's own priority item may go before incoming priority items from above (Thông tư 39). */
    beforeIncomingPriority: z.boolean().default(false),
    /**
     * The order of a commune's own priority items among themselves (1 first): when two of them collide,
     * the lower number plays first whatever their times; without it, the earlier start does.
     */
    ownOrder: z.number().int().min(1).max(99).nullish(),
    /** Create even though it overlaps other schedules; the rules decide what plays first. */
    acceptConflicts: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !s.startDate || !s.endDate || s.startDate <= s.endDate, {
    message: 'the start date is after the end date',
    path: ['endDate'],
  });
export type ScheduleInput = z.input<typeof ScheduleInputSchema>;
