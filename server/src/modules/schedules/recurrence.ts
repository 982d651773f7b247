import { parseVnDateTime, type Recurrence, VN_TIME_ZONE, vnDateStart } from '@nguon/schemas';
import { Cron } from 'croner';
import { AppError } from '../../errors.js';

export interface RuleSpec {
  recurrence: Recurrence;
  startDate?: string | null | undefined;
  endDate?: string | null | undefined;
  repeat?: { count: number; intervalMinutes: number } | null | undefined;
}

const DAY_MS = 86_400_000;
/** A broadcast schedule firing more often than this is a mistake, not a programme. */
const MIN_SPACING_MS = 5 * 60_000;

/** Daily and weekly rules are cron expressions too, so one well-tested engine computes every instant. */
export function cronOf(r: Recurrence): string | null {
  if (r.kind === 'once') return null;
  if (r.kind === 'cron') return r.expr;
  const [h, m] = r.time.split(':').map(Number) as [number, number];
  // croner counts weekdays 0–6 from Sunday; ours are ISO 1 (Monday) … 7 (Sunday).
  const days = r.kind === 'daily' ? '*' : r.days.map((d) => d % 7).join(',');
  return `0 ${m} ${h} * * ${days}`;
}

function cronJob(expr: string): Cron {
  try {
    return new Cron(expr, { timezone: VN_TIME_ZONE, paused: true });
  } catch (err) {
    throw new AppError('validation_failed', `invalid cron expression "${expr}": ${(err as Error).message}`);
  }
}

/** Checks a rule before it is stored: a valid cron that fires, and not absurdly often. */
export function validateRule(spec: RuleSpec, now: number): void {
  const cron = cronOf(spec.recurrence);
  if (spec.recurrence.kind === 'once') {
    const at = parseVnDateTime(spec.recurrence.at);
    if (at < now - 60_000) throw new AppError('validation_failed', 'the one-off time is in the past');
    return;
  }
  const runs = cronJob(cron!).nextRuns(3, new Date(now));
  if (runs.length === 0) throw new AppError('validation_failed', `the cron expression "${cron}" never fires`);
  if (runs.length >= 2 && runs[1]!.getTime() - runs[0]!.getTime() < MIN_SPACING_MS)
    throw new AppError('validation_failed', `the rule fires more often than every ${MIN_SPACING_MS / 60_000} minutes`);
}

/**
 * Every start instant (UTC ms) of a rule in [from, to), repeats included, within its date range
 * (Vietnam calendar dates, end date inclusive). Deterministic: the same rule gives the same instants
 * before and after a restart, so an occurrence is never doubled or dropped.
 */
export function occurrences(spec: RuleSpec, from: number, to: number, max = 10_000): number[] {
  const rangeStart = spec.startDate ? vnDateStart(spec.startDate) : Number.NEGATIVE_INFINITY;
  const rangeEnd = spec.endDate ? vnDateStart(spec.endDate) + DAY_MS : Number.POSITIVE_INFINITY;
  const repeat = spec.repeat ?? { count: 1, intervalMinutes: 1 };
  const span = (repeat.count - 1) * repeat.intervalMinutes * 60_000;
  const bases: number[] = [];
  const cron = cronOf(spec.recurrence);
  if (spec.recurrence.kind === 'once') bases.push(parseVnDateTime(spec.recurrence.at));
  else {
    const job = cronJob(cron!);
    // Start early enough to catch repeats of an occurrence that began before the window.
    let cursor = new Date(Math.max(from - span, rangeStart) - 1);
    while (bases.length < max) {
      const next = job.nextRun(cursor);
      if (!next || next.getTime() >= Math.min(to, rangeEnd)) break;
      bases.push(next.getTime());
      cursor = next;
    }
  }
  const out: number[] = [];
  for (const b of bases) {
    if (b < rangeStart || b >= rangeEnd) continue;
    for (let k = 0; k < repeat.count; k++) {
      const t = b + k * repeat.intervalMinutes * 60_000;
      if (t >= from && t < to) out.push(t);
    }
  }
  return out.sort((a, b) => a - b).slice(0, max);
}
