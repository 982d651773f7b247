import { describe, expect, it } from 'vitest';
import { distribution } from './latency.js';

describe('latency distribution', () => {
  it('gives nearest-rank percentiles and the max', () => {
    const d = distribution(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(d).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });
  it('is empty without samples', () => {
    expect(distribution([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
  });
});
