import { describe, expect, it } from 'vitest';
import { toTree } from './unit-tree.js';

const u = (id: number, parentId: number | null) => ({ id, code: `c${id}`, name: `n${id}`, level: 'commune', parentId });

describe('toTree', () => {
  it('nests children under parents, and treats a unit whose parent is out of the list as a root', () => {
    const roots = toTree([u(2, 1), u(3, 2), u(4, 2), u(5, 9)]);
    expect(roots.map((r) => [r.id, r.children.map((c) => c.id)])).toEqual([
      [2, [3, 4]],
      [5, []],
    ]);
  });
});
