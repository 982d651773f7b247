import { EpochMsSchema, MessageIdSchema, PriorityCodeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { MediaRefSchema } from './messages.js';

/**
 * A receiver's programme for the next hours, retained on its `playlist` topic. The agent keeps the
 * newest version on disk, prefetches the media and plays each item at `startAt` in SERVER time, from
 * its cache, whether or not the network is up then. `key` identifies the occurrence: the agent uses
 * it as the playback's `playId`, so proof of play matches and nothing plays twice.
 */
export const PlaylistItemSchema = z.object({
  key: MessageIdSchema,
  startAt: EpochMsSchema,
  durationMs: z.number().int().positive(),
  priority: PriorityCodeSchema,
  title: z.string().max(200),
  media: z.array(MediaRefSchema).min(1).max(50),
});
export type PlaylistItem = z.infer<typeof PlaylistItemSchema>;

export const PlaylistSchema = z.object({
  v: z.literal(1),
  id: MessageIdSchema,
  ts: EpochMsSchema,
  /** Only grows; the agent applies a playlist only when its version is newer than the one it has. */
  version: z.number().int().nonnegative(),
  /** The programme is complete up to this instant; nothing is known after it. */
  horizonEnd: EpochMsSchema,
  items: z.array(PlaylistItemSchema).max(2000),
});
export type Playlist = z.infer<typeof PlaylistSchema>;
