import { describe, expect, it } from 'vitest';
import { presyncAt } from './presync.js';

const T = 1_000_000;
const half = () => 0.5;

describe('presyncAt', () => {
  it('picks a moment 90–150 s before the start', () => {
    expect(presyncAt(T, T - 600_000, null, 6_000, half)).toBe(T - 120_000);
    expect(presyncAt(T, T - 600_000, null, 6_000, () => 0)).toBe(T - 150_000);
  });

  it('needs none when a sync already happened in that window', () => {
    expect(presyncAt(T, T - 100_000, T - 140_000, 6_000, half)).toBeNull();
    expect(presyncAt(T, T - 600_000, T - 700_000, 6_000, half)).toBe(T - 120_000);
  });

  it('for an item that arrives late, syncs once the downloads had 10 s, spread over at most 15 s, with time to spare', () => {
    expect(presyncAt(T, T - 80_000, null, 6_000, half)).toBe(T - 70_000 + 7_500);
    expect(presyncAt(T, T - 20_000, null, 6_000, () => 1)).toBe(T - 11_000);
    expect(presyncAt(T, T - 20_000, null, 6_000, () => 0)).toBe(T - 11_000);
    expect(presyncAt(T, T - 10_000, null, 6_000, half)).toBeNull();
  });
});
