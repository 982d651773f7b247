/**
 * MPEG audio Layer III frame headers (ISO 11172-3 / 13818-3), just enough to cut an encoder's output
 * into whole frames: a listener that joins a mount gets its burst from a frame boundary, so its decoder
 * never starts on half a frame (issue 7, item 2).
 */

/** kbit/s by bitrate index, Layer III: MPEG-1, then MPEG-2/2.5. Index 0 (free) and 15 (bad) are refused. */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000] };
RATES[0] = [11_025, 12_000, 8000];

export interface FrameHeader {
  /** Whole frame, header included, in bytes. */
  length: number;
  sampleRate: number;
  bitrateK: number;
  /** Audio in this frame, in ms. */
  durationMs: number;
  channels: 1 | 2;
}

/** The Layer III header at `off`, or null when those 4 bytes are not one. */
export function parseHeader(buf: Uint8Array, off = 0): FrameHeader | null {
  if (off + 4 > buf.length) return null;
  const b1 = buf[off + 1] as number;
  const b2 = buf[off + 2] as number;
  const b3 = buf[off + 3] as number;
  if (buf[off] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  if (version === 1 || ((b1 >> 1) & 3) !== 1) return null; // Layer III only
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const v1 = version === 3;
  const bitrateK = (v1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex] as number;
  const sampleRate = (RATES[version === 3 ? 3 : version === 2 ? 2 : 0] as number[])[rateIndex] as number;
  const padding = (b2 >> 1) & 1;
  const samples = v1 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrateK * 1000) / sampleRate) + padding;
  return { length, sampleRate, bitrateK, durationMs: (samples * 1000) / sampleRate, channels: b3 >> 6 === 3 ? 1 : 2 };
}

export interface Frame {
  data: Buffer;
  durationMs: number;
}

/**
 * Turns a byte stream into whole frames. Bytes before the first header (an ID3 tag, a partial frame of
 * a relayed stream) are skipped; a header counts only when the next frame's header follows it (or the
 * stream has nothing more yet), so random 0xFFE bytes inside a tag do not start a false frame.
 */
export function createFrameSplitter() {
  let pending: Buffer = Buffer.alloc(0);
  let skipped = 0;
  return {
    /** Bytes discarded so far while looking for frame sync. */
    skipped: () => skipped,
    push(chunk: Buffer): Frame[] {
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const frames: Frame[] = [];
      let off = 0;
      while (off + 4 <= buf.length) {
        const h = parseHeader(buf, off);
        if (!h) {
          off++;
          skipped++;
          continue;
        }
        if (off + h.length > buf.length) break; // the rest of this frame has not arrived yet
        const next = off + h.length;
        // A following header confirms the sync; at the end of what we have, wait for more bytes.
        if (next + 4 > buf.length) break;
        if (!parseHeader(buf, next)) {
          off++;
          skipped++;
          continue;
        }
        frames.push({ data: buf.subarray(off, next), durationMs: h.durationMs });
        off = next;
      }
      // Copy the remainder so the (possibly large) chunk it came from can be collected.
      pending = Buffer.from(buf.subarray(off));
      return frames;
    },
    /** What is left at the end of the stream: one last frame if it is whole. */
    flush(): Frame[] {
      const h = parseHeader(pending, 0);
      const out =
        h && h.length <= pending.length ? [{ data: pending.subarray(0, h.length), durationMs: h.durationMs }] : [];
      pending = Buffer.alloc(0);
      return out;
    },
  };
}
export type FrameSplitter = ReturnType<typeof createFrameSplitter>;
