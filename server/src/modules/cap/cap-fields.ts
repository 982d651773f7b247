/** CAP 1.2 value formats and closed vocabularies (OASIS CAP 1.2, §3.2 and §3.3). */
import type { Problem } from './cap-xml.js';

export const STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export type CapStatus = (typeof STATUSES)[number];
export type CapMsgType = (typeof MSG_TYPES)[number];

/** CAP forbids the "Z" designator: UTC is written -00:00 (§3.3.2, "dateTime Data Type"). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?([+-])(\d{2}):(\d{2})$/;

/** Epoch ms of a CAP dateTime, or a message saying what is wrong with it. */
export function parseCapDateTime(value: string): { ok: true; at: number } | { ok: false; message: string } {
  const m = DATE_TIME.exec(value);
  if (!m) {
    const hint = /Z$/i.test(value) ? ' (CAP 1.2 forbids "Z": write +00:00 or -00:00)' : '';
    return { ok: false, message: `"${value}" is not a CAP dateTime like 2026-11-22T08:30:00+07:00${hint}` };
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [oh, om] = [Number(m[9]), Number(m[10])];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59)
    return { ok: false, message: `"${value}" is not a valid date and time` };
  const sign = m[8] === '-' ? -1 : 1;
  const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return { ok: true, at: Date.UTC(y, mo - 1, d, h, mi, s, fraction) - sign * (oh * 60 + om) * 60_000 };
}

/** identifier and sender: no spaces, commas or the restricted characters < and & (§3.2.1). */
export function checkIdToken(value: string, path: string, problems: Problem[]): void {
  if (!value) problems.push({ path, message: 'must not be empty' });
  else if (/[\s,<&]/.test(value)) problems.push({ path, message: 'must not contain spaces, commas, < or &' });
  else if (value.length > 255) problems.push({ path, message: 'is longer than 255 characters' });
}

export function checkEnum<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  path: string,
  problems: Problem[],
): T | undefined {
  if (value === undefined) {
    problems.push({ path, message: 'is required' });
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    problems.push({ path, message: `"${value}" is not one of ${allowed.join(', ')}` });
    return undefined;
  }
  return value as T;
}

export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
  sentAt: number;
}

/** `references`: space-separated "sender,identifier,sent" triples (§3.2.1). */
export function parseReferences(value: string, path: string, problems: Problem[]): CapReference[] {
  const out: CapReference[] = [];
  for (const triple of value.trim().split(/\s+/).filter(Boolean)) {
    const parts = triple.split(',');
    const sent = parts[2] !== undefined ? parseCapDateTime(parts[2]) : undefined;
    if (parts.length !== 3 || !parts[0] || !parts[1] || !sent?.ok) {
      problems.push({ path, message: `"${triple}" is not a "sender,identifier,sent" triple with a CAP dateTime` });
      continue;
    }
    out.push({ sender: parts[0], identifier: parts[1], sent: parts[2]!, sentAt: sent.at });
  }
  return out;
}
