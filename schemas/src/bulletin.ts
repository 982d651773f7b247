import { z } from 'zod';
import { PriorityCodeSchema } from './domain.js';
import { Sha256Schema } from './ids.js';

/** LoaiBanTin as deployed systems use it. */
export const BULLETIN_TYPES = { text: 1, image: 2, audio: 3, video: 4, live: 5, fmRelay: 6 } as const;
/** LoaiLinhVuc as deployed systems use it. */
export const BULLETIN_FIELDS = {
  general: 1,
  urgentNews: 2,
  partyStatePolicyLaw: 3,
  localDirection: 4,
  knowledge: 5,
  goodExamples: 6,
} as const;

const code16 = z.number().int().min(1).max(6);
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => s.normalize('NFC'));

/** What an operator types for a bulletin (bản tin). Content is one or more audio items by content hash. */
export const BulletinInputSchema = z
  .object({
    type: code16.default(BULLETIN_TYPES.audio),
    field: code16.default(BULLETIN_FIELDS.general),
    priority: PriorityCodeSchema.default(3),
    title: text(200).pipe(z.string().min(1, 'a title is required')),
    summary: text(2000).default(''),
    author: text(120).default(''),
    producedAt: z.iso.datetime({ offset: true }).optional(),
    source: text(200).default(''),
    items: z
      .array(z.object({ sha256: Sha256Schema, title: text(200).optional() }).strict())
      .min(1, 'a bulletin needs at least one audio item')
      .max(50),
  })
  .strict();
export type BulletinInput = z.input<typeof BulletinInputSchema>;
