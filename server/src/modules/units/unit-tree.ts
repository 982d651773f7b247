import type { Unit } from './units.service.js';

export type UnitNode = Unit & { children: UnitNode[] };

/**
 * Nests a flat list (e.g. one caller's scope) into trees. A unit whose parent is not in the list is a
 * root here: for a province operator that is their province, not the national unit above it.
 */
export function toTree(list: readonly Unit[]): UnitNode[] {
  const nodes = new Map<number, UnitNode>(list.map((u) => [u.id, { ...u, children: [] }]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}
