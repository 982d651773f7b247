import { Sha256Schema } from '@nguon/schemas';
import { z } from 'zod';

/** A stored broadcast file as the API returns it; `sha256` is the address of the transcoded MP3. */
export const MediaFileSchema = z.object({
  sha256: Sha256Schema,
  sourceSha256: Sha256Schema,
  originalName: z.string(),
  /** Container and codec of the upload, e.g. `wav/pcm_s16le`. */
  sourceFormat: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
  sourceLoudnessLufs: z.number().nullable(),
  /** Integrated loudness of the stored MP3, measured on it after encoding (EBU R128). */
  loudnessLufs: z.number().nullable(),
  /** True peak of the stored MP3 in dBTP; null for files stored before it was measured. */
  truePeakDb: z.number().nullable(),
  /** The broadcast profile the file was made with, e.g. `mp3-mono-64k-22050-I-16`. */
  profile: z.string(),
  unitId: z.number().int().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.number().int(),
});
export type MediaFile = z.infer<typeof MediaFileSchema>;

export type NewMediaFile = Omit<MediaFile, 'createdAt'>;
