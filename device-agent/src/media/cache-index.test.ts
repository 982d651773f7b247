import { describe, expect, it } from 'vitest';
import { createCacheIndex } from './cache-index.js';

describe('cache index', () => {
  it('plans eviction least recently used first, skipping kept files', () => {
    const index = createCacheIndex();
    index.touch('a', 100, 1);
    index.touch('b', 100, 2);
    index.touch('c', 100, 3);
    expect(index.totalBytes()).toBe(300);
    expect(index.evictionPlan(300, new Set())).toEqual([]);
    expect(index.evictionPlan(150, new Set())).toEqual(['a', 'b']);
    expect(index.evictionPlan(150, new Set(['a']))).toEqual(['b', 'c']);
    index.touch('a', 100, 10);
    expect(index.evictionPlan(250, new Set())).toEqual(['b']);
  });

  it('never plans a kept file even when the rest cannot fit', () => {
    const index = createCacheIndex();
    index.touch('big', 1000, 1);
    index.touch('small', 10, 2);
    expect(index.evictionPlan(100, new Set(['big']))).toEqual(['small']);
  });

  it('tracks replaced sizes and deletions', () => {
    const index = createCacheIndex();
    index.touch('a', 100, 5);
    index.touch('a', 40, 1);
    expect(index.totalBytes()).toBe(40);
    index.delete('a');
    index.delete('a');
    expect(index.totalBytes()).toBe(0);
    expect(index.size()).toBe(0);
  });
});
