import { ZodError } from 'zod';
import { ApiError } from './api/http.js';
import { type Key, t } from './i18n.js';

/**
 * The API answers in English codes and messages for integrators; operators read plain Vietnamese
 * (issue 9). Known messages get their own sentence; otherwise the code decides.
 */
const BY_MESSAGE: Array<[RegExp, Key]> = [
  [/wrong username or password/, 'err.login'],
  [/too many failed logins/, 'err.locked'],
  [/outside your (unit|reach)/, 'err.outside'],
  [/your role .* may not/, 'err.role'],
  [/approved by someone other than its author/, 'err.ownApproval'],
  [/rejection needs a reason/, 'err.rejectReason'],
  [/one-off time is in the past/, 'err.pastTime'],
  [/has no approved version/, 'err.notApproved'],
  [/overlaps others/, 'err.scheduleConflict'],
  [/withdraw the submitted bulletin/, 'err.withdrawFirst'],
  [/cannot \w+ a bulletin that is/, 'err.bulletinState'],
  [/username .* is taken/, 'err.usernameTaken'],
  [/unit code .* exists/, 'err.unitExists'],
  [/text-to-speech is not available/, 'err.ttsUnavailable'],
  [/is silent|no audio samples/, 'err.silent'],
  [/file is empty/, 'err.emptyFile'],
  [/damaged or truncated/, 'err.damaged'],
  [/long; the limit is/, 'err.tooLong'],
  [/at least 0\.4 s/, 'err.tooShort'],
  [/current password is wrong/, 'err.currentPassword'],
  [/never plays in the coming year/, 'err.neverPlays'],
  [/fires more often than/, 'err.tooOften'],
  [/invalid cron/, 'err.cron'],
  [/only an admin/, 'err.adminOnly'],
  [/may not grant the role/, 'err.grant'],
  [/may not change your own/, 'err.ownAccount'],
  [/alert \d+ is (already )?\w+(, not open)?$/, 'err.alertNotOpen'],
  [/this mount already has a source/, 'err.mountSource'],
];

/** The shared schemas' own messages (checked in the browser before sending, and by the server). */
const FIELD_MESSAGES: Array<[RegExp, Key]> = [
  [/a title is required/, 'val.title'],
  [/at least one audio item/, 'val.items'],
  [/a date and time/, 'val.dateTime'],
  [/a time of day/, 'val.time'],
  [/a date YYYY-MM-DD/, 'val.date'],
  [/start date is after the end date/, 'val.dateOrder'],
];

function fieldIssue(message: string): string {
  for (const [re, key] of FIELD_MESSAGES) if (re.test(message)) return t(key);
  return t('val.other');
}

const BY_CODE: Record<string, Key> = {
  network: 'err.network',
  unauthorized: 'err.session',
  forbidden: 'err.forbidden',
  not_found: 'err.notFound',
  conflict: 'err.conflict',
  validation_failed: 'err.validation',
  unprocessable: 'err.unprocessable',
  unsupported_media: 'err.notAudio',
  payload_too_large: 'err.tooLarge',
  too_many_requests: 'err.rate',
  unavailable: 'err.unavailable',
  internal: 'err.internal',
  bad_response: 'err.badResponse',
};

/** A problem the console itself found, already worded for the operator (in the current language). */
export class PlainError extends Error {
  override name = 'PlainError';
}

export function describeError(err: unknown): string {
  if (err instanceof PlainError) return err.message;
  if (err instanceof ZodError)
    return t('err.validation', { detail: [...new Set(err.issues.map((i) => fieldIssue(i.message)))].join(' ') });
  if (!(err instanceof ApiError)) return t('err.generic');
  const minutes = /locked for (\d+)/.exec(err.message)?.[1] ?? '15';
  for (const [re, key] of BY_MESSAGE) if (re.test(err.message)) return t(key, { n: minutes });
  // Validation details name fields in English: say what is wrong in Vietnamese instead.
  const issues = Array.isArray(err.details) ? (err.details as Array<{ message?: string }>) : [];
  const detail = issues.length
    ? [...new Set(issues.map((d) => fieldIssue(d.message ?? '')))].join(' ')
    : t('val.other');
  return t(BY_CODE[err.code] ?? 'err.generic', { detail: detail || err.message, id: err.requestId ?? '—' });
}

/** The API's own words, for a technician (shown folded under the Vietnamese sentence). */
export function technical(err: unknown): string | null {
  if (err instanceof PlainError) return null;
  if (err instanceof ApiError)
    return `${err.status} ${err.code}: ${err.message}${err.requestId ? ` (${err.requestId})` : ''}`;
  if (err instanceof Error) return err.message;
  return null;
}
