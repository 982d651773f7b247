import { type BulletinInput, BulletinInputSchema, PriorityCodeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { get, post, query } from './http.js';

export const BULLETIN_STATES = ['draft', 'submitted', 'approved', 'rejected', 'archived'] as const;
export type BulletinState = (typeof BULLETIN_STATES)[number];

export const BulletinVersionSchema = z.object({
  id: z.number().int(),
  bulletinId: z.number().int(),
  version: z.number().int(),
  state: z.enum(BULLETIN_STATES),
  type: z.number().int(),
  field: z.number().int(),
  priority: PriorityCodeSchema,
  title: z.string(),
  summary: z.string(),
  author: z.string(),
  producedAt: z.number(),
  durationMs: z.number(),
  source: z.string(),
  items: z.array(z.object({ sha256: z.string(), title: z.string(), durationMs: z.number() })),
  createdBy: z.number().nullable(),
  createdAt: z.number(),
  submittedBy: z.number().nullable(),
  submittedAt: z.number().nullable(),
  decidedBy: z.number().nullable(),
  decidedAt: z.number().nullable(),
  rejectReason: z.string().nullable(),
  approvedOnSend: z.boolean(),
});
export type BulletinVersion = z.infer<typeof BulletinVersionSchema>;
export const BulletinSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  createdBy: z.number().nullable(),
  createdAt: z.number(),
  current: BulletinVersionSchema,
  versions: z.array(BulletinVersionSchema),
});
export type Bulletin = z.infer<typeof BulletinSchema>;
const ListRow = z.object({ id: z.number().int(), unitId: z.number().int(), current: BulletinVersionSchema });
export type BulletinRow = z.infer<typeof ListRow>;

export type Transition = 'submit' | 'withdraw' | 'archive' | 'approve' | 'reject' | 'approve-on-send';

export const listBulletins = (state?: BulletinState) =>
  get(`/api/v1/bulletins${query({ state, limit: 500 })}`, z.object({ bulletins: z.array(ListRow) })).then(
    (r) => r.bulletins,
  );
export const getBulletin = (id: number) =>
  get(`/api/v1/bulletins/${id}`, z.object({ bulletin: BulletinSchema })).then((r) => r.bulletin);

/** Checked with the server's own schema first, so a mistake is shown before anything is sent. */
export function createBulletin(input: BulletinInput, unitCode?: string) {
  BulletinInputSchema.parse(input);
  return post(
    '/api/v1/bulletins',
    { ...input, ...(unitCode ? { unitCode } : {}) },
    z.object({ bulletin: BulletinSchema }),
  );
}
export const transition = (id: number, t: Transition, reason?: string) =>
  post(`/api/v1/bulletins/${id}/${t}`, reason ? { reason } : {}, z.object({ bulletin: BulletinSchema.loose() }));

/** The transitions a role may offer on a version in a given state (the server decides in the end). */
export function transitionsFor(
  state: BulletinState,
  may: { write: boolean; approve: boolean; emergency: boolean },
  priority: number,
): Transition[] {
  const out: Transition[] = [];
  if (may.write && (state === 'draft' || state === 'rejected')) out.push('submit');
  if (may.write && state === 'submitted') out.push('withdraw');
  if (may.approve && state === 'submitted') out.push('approve', 'reject');
  if (may.emergency && priority === 1 && state !== 'approved' && state !== 'archived') out.push('approve-on-send');
  if (may.write && state !== 'archived') out.push('archive');
  return out;
}
