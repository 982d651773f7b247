import { describe, expect, it } from 'vitest';
import { createFrameSplitter, parseHeader } from './mp3-frames.js';

/** An MPEG-2 Layer III frame, 64 kb/s, 22.05 kHz, mono: the broadcast profile. 208 bytes (+1 padded). */
export function frame(fill = 0, padded = false): Buffer {
  const len = 208 + (padded ? 1 : 0);
  const b = Buffer.alloc(len, fill);
  b.set([0xff, 0xf3, 0x80 | (padded ? 2 : 0), 0xc4]);
  return b;
}

describe('MP3 frame headers', () => {
  it('reads length, rate, bitrate and duration of the broadcast profile', () => {
    expect(parseHeader(frame())).toEqual({
      length: 208,
      sampleRate: 22_050,
      bitrateK: 64,
      durationMs: (576 * 1000) / 22_050,
      channels: 1,
    });
    expect(parseHeader(frame(0, true))?.length).toBe(209);
    // MPEG-1, 128 kb/s, 44.1 kHz, stereo: 417 bytes.
    expect(parseHeader(Buffer.from([0xff, 0xfb, 0x90, 0x00]))).toMatchObject({ length: 417, channels: 2 });
  });

  it('refuses what is not a Layer III header', () => {
    expect(parseHeader(Buffer.from([0x49, 0x44, 0x33, 0x04]))).toBeNull(); // "ID3"
    expect(parseHeader(Buffer.from([0xff, 0xf5, 0x80, 0xc4]))).toBeNull(); // Layer II
    expect(parseHeader(Buffer.from([0xff, 0xf3, 0x00, 0xc4]))).toBeNull(); // free format
    expect(parseHeader(Buffer.from([0xff, 0xf3, 0xf0, 0xc4]))).toBeNull(); // bad bitrate
    expect(parseHeader(Buffer.from([0xff, 0xf3, 0x8c, 0xc4]))).toBeNull(); // reserved rate
    expect(parseHeader(Buffer.from([0xff, 0xf3]))).toBeNull();
  });
});

describe('frame splitter', () => {
  it('cuts a stream into whole frames whatever the chunking, skipping a leading partial frame', () => {
    const frames = [frame(1), frame(2, true), frame(3), frame(4)];
    const stream = Buffer.concat([Buffer.from([0x00, 0x12, 0xff, 0x00, 0x55]), ...frames]);
    for (const size of [1, 7, 100, 208, 1000]) {
      const s = createFrameSplitter();
      const out: Buffer[] = [];
      for (let off = 0; off < stream.length; off += size)
        out.push(...s.push(stream.subarray(off, off + size)).map((f) => f.data));
      out.push(...s.flush().map((f) => f.data));
      expect(out.map((b) => b[5])).toEqual([1, 2, 3, 4]);
      expect(Buffer.concat(out).equals(Buffer.concat(frames))).toBe(true);
      expect(s.skipped()).toBe(5);
    }
  });

  it('does not take a stray sync word for a frame unless another header follows it', () => {
    const s = createFrameSplitter();
    const fake = Buffer.from([0xff, 0xf3, 0x80, 0xc4, 0, 0, 0]); // a header with garbage after it
    const out = s.push(Buffer.concat([fake, frame(7), frame(8)]));
    expect(out.map((f) => f.data[5])).toEqual([7]);
    expect(s.flush().map((f) => f.data[5])).toEqual([8]);
  });
});
