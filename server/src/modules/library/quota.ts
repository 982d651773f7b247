/**
 * A unit's storage quota (issue 4): what its library items' content takes, plus what its queued jobs
 * will add, must stay within its limit. Pure: the service gathers the numbers.
 */
import { AppError } from '../../errors.js';

export interface Usage {
  /** Content of the unit's live library items. */
  usedBytes: number;
  /** Estimated output of the unit's jobs not yet finished. */
  pendingBytes: number;
  limitBytes: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1)} MB`;

/** The MP3 a recording of `durationMs` becomes at a constant bitrate, with room for its Xing frame. */
export function estimatedBytes(durationMs: number, bitrateK: number): number {
  return Math.ceil((durationMs / 1000) * ((bitrateK * 1000) / 8)) + 2048;
}

/** Throws 413 when adding `neededBytes` (0: any more at all) would pass the limit. */
export function checkQuota(u: Usage, neededBytes: number, unitName: string): void {
  const used = u.usedBytes + u.pendingBytes;
  if (used + neededBytes <= u.limitBytes && used < u.limitBytes) return;
  const need = neededBytes > 0 ? ` and this recording needs about ${mb(neededBytes)}` : '';
  const pending = u.pendingBytes > 0 ? ` (${mb(u.pendingBytes)} of it still being processed)` : '';
  throw new AppError(
    'payload_too_large',
    `the media library of ${unitName} has no room: ${mb(used)} of ${mb(u.limitBytes)} used${pending}${need}. Delete items or ask for a larger quota`,
    { usedBytes: u.usedBytes, pendingBytes: u.pendingBytes, limitBytes: u.limitBytes, neededBytes },
  );
}
