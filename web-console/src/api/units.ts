import { z } from 'zod';
import { api, get, post } from './http.js';

export const UNIT_LEVELS = ['national', 'province', 'district', 'commune'] as const;
export const UnitSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: z.string(),
  parentId: z.number().int().nullable(),
  quotaMb: z.number().nullable().optional(),
  createdAt: z.number(),
});
export type Unit = z.infer<typeof UnitSchema>;
export type UnitNode = Unit & { children: UnitNode[] };

export const listUnits = () => get('/api/v1/units', z.object({ units: z.array(UnitSchema) })).then((r) => r.units);
export const createUnit = (u: { code: string; name: string; level: string; parentCode?: string }) =>
  post('/api/v1/units', u, z.object({ unit: UnitSchema }));
export const patchUnit = (code: string, patch: { name?: string; parentCode?: string | null }) =>
  api('PATCH', `/api/v1/units/${encodeURIComponent(code)}`, { body: patch, schema: z.object({ unit: UnitSchema }) });

/** Nests the caller's flat list: a unit whose parent is outside the list is a root (e.g. a province). */
export function unitTree(list: readonly Unit[]): UnitNode[] {
  const nodes = new Map<number, UnitNode>(list.map((u) => [u.id, { ...u, children: [] }]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Ids of a unit and everything below it. */
export function subtreeIds(list: readonly Unit[], rootId: number): Set<number> {
  const ids = new Set([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of list)
      if (u.parentId !== null && ids.has(u.parentId) && !ids.has(u.id)) {
        ids.add(u.id);
        grew = true;
      }
  }
  return ids;
}
