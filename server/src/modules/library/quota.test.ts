import { describe, expect, it } from 'vitest';
import { checkQuota, estimatedBytes } from './quota.js';

const MB = 1024 * 1024;

describe('unit storage quota', () => {
  it('estimates the stored MP3 from the duration and bitrate', () => {
    // 10 minutes at 64 kb/s: 4.8 MB of audio.
    expect(estimatedBytes(600_000, 64)).toBe(4_800_000 + 2048);
  });

  it('admits what fits, up to the limit exactly', () => {
    expect(() => checkQuota({ usedBytes: MB, pendingBytes: MB, limitBytes: 3 * MB }, MB, 'Xã A')).not.toThrow();
  });

  it('refuses with 413, naming used, pending, limit and need', () => {
    let error: unknown;
    try {
      checkQuota({ usedBytes: 1.5 * MB, pendingBytes: 0.5 * MB, limitBytes: 2 * MB }, 0.25 * MB, 'Xã A');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'payload_too_large',
      status: 413,
      message:
        'the media library of Xã A has no room: 2.00 MB of 2.00 MB used (0.50 MB of it still being processed) and this recording needs about 0.25 MB. Delete items or ask for a larger quota',
    });
  });

  it('refuses anything more once the limit is reached, even of unknown size', () => {
    expect(() => checkQuota({ usedBytes: 2 * MB, pendingBytes: 0, limitBytes: 2 * MB }, 0, 'Xã A')).toThrow(
      /has no room: 2.00 MB of 2.00 MB used\. /,
    );
  });
});
