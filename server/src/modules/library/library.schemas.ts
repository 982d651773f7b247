import { Sha256Schema } from '@nguon/schemas';
import { z } from 'zod';

export const ITEM_KINDS = ['upload', 'tts', 'recording'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/**
 * A unit's library entry for one content file. Two units with the same audio have an item each and
 * share the file (`sha256`); the audio and its measurements are those of the file.
 */
export const LibraryItemSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  sha256: Sha256Schema,
  title: z.string(),
  kind: z.enum(ITEM_KINDS),
  originalName: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.number().int(),
  durationMs: z.number().int(),
  sizeBytes: z.number().int(),
  loudnessLufs: z.number().nullable(),
  truePeakDb: z.number().nullable(),
  /** Preview and streaming in the browser (Range, ETag). */
  audioUrl: z.string(),
});
export type LibraryItem = z.infer<typeof LibraryItemSchema>;

export const TITLE = z.string().trim().min(1).max(200);
