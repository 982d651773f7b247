import { z } from 'zod';

/** A segment safe inside an MQTT topic: no `/`, `+`, `#`, no spaces, bounded. */
const TOPIC_SAFE = /^[A-Za-z0-9_-]{1,64}$/;

/** Device (receiver) id: assigned by the server, used as MQTT username, client id and topic segment. */
export const DeviceIdSchema = z.string().regex(TOPIC_SAFE, 'device id: 1-64 of A-Z a-z 0-9 _ -');
export type DeviceId = z.infer<typeof DeviceIdSchema>;

/** Official administrative unit code (e.g. province "79", commune "26734"); also an area topic segment. */
export const UnitCodeSchema = z.string().regex(TOPIC_SAFE, 'unit code: 1-64 of A-Z a-z 0-9 _ -');
export type UnitCode = z.infer<typeof UnitCodeSchema>;

/** Lower-case hex sha256: the address of a media file. */
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lower-case hex digits');
export type Sha256 = z.infer<typeof Sha256Schema>;

/** A message or command id: any short opaque string (UUIDs in practice). */
export const MessageIdSchema = z.string().min(1).max(100);

/** Milliseconds since the Unix epoch (UTC). */
export const EpochMsSchema = z.number().int().nonnegative();
