import { describe, expect, it } from 'vitest';
import { backoffDelayMs, RECONNECT_BACKOFF } from './backoff.js';

describe('backoffDelayMs', () => {
  it('grows exponentially from the base up to the cap', () => {
    const top = () => 0.999_999;
    expect(backoffDelayMs(0, RECONNECT_BACKOFF, top)).toBe(999);
    expect(backoffDelayMs(3, RECONNECT_BACKOFF, top)).toBe(7_999);
    expect(backoffDelayMs(6, RECONNECT_BACKOFF, top)).toBe(59_999);
    expect(backoffDelayMs(1_000, RECONNECT_BACKOFF, top)).toBe(59_999);
  });

  it('uses full jitter: any delay from zero to the ceiling', () => {
    expect(backoffDelayMs(5, RECONNECT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelayMs(5, RECONNECT_BACKOFF, () => 0.5)).toBe(16_000);
  });
});
