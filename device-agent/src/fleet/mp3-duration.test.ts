import { describe, expect, it } from 'vitest';
import { findFrame, id3v2Size, Mp3Error, mp3DurationFromHead, readXing } from './mp3-duration.js';

/** An MPEG-1 Layer III frame header: 64 kbps, 44.1 kHz, mono (what the server writes at its defaults). */
const HEADER = [0xff, 0xfb, 0x50, 0xc0];
const MONO_SIDE_INFO = 17;

/** A first frame carrying an Info tag with `frames` and an ffmpeg/LAME extension holding delay and padding. */
function infoFrame(frames: number, delay: number, padding: number): Buffer {
  const buf = Buffer.alloc(400);
  Buffer.from(HEADER).copy(buf, 0);
  let p = 4 + MONO_SIDE_INFO;
  buf.write('Info', p, 'latin1');
  buf.writeUInt32BE(0x1 | 0x2 | 0x4 | 0x8, p + 4); // frames, bytes, TOC, quality
  buf.writeUInt32BE(frames, p + 8);
  p += 8 + 4 + 4 + 100 + 4;
  buf.write('Lavc58.42', p, 'latin1');
  const d = p + 21;
  buf[d] = delay >> 4;
  buf[d + 1] = ((delay & 0x0f) << 4) | (padding >> 8);
  buf[d + 2] = padding & 0xff;
  return buf;
}

describe('mp3 duration', () => {
  it('takes the frame count from the Info frame and removes encoder delay and padding', () => {
    // The bytes ffmpeg wrote for a 1.3 s tone: 51 frames of 1152 samples, 576 + 846 samples not audio.
    const head = infoFrame(51, 576, 846);
    expect(readXing(head, findFrame(head, 0)!)).toEqual({ frames: 51, trimSamples: 1422 });
    expect(mp3DurationFromHead(head, 10_000)).toBe(1300);
  });

  it('estimates a file without Info frame from its bitrate', () => {
    const head = Buffer.alloc(64);
    Buffer.from(HEADER).copy(head, 10);
    // 8,010 bytes in all, audio from byte 10: 8,000 bytes at 64 kbit/s = 1 s.
    expect(mp3DurationFromHead(head, 8_010)).toBe(1000);
  });

  it('skips junk before the first frame and refuses a file with none', () => {
    const junk = Buffer.concat([Buffer.from([0xff, 0x00, 0x12]), infoFrame(10, 0, 0)]);
    expect(findFrame(junk, 0)?.offset).toBe(3);
    expect(() => mp3DurationFromHead(Buffer.from('RIFF....WAVEfmt '), 100)).toThrow(Mp3Error);
  });

  it('measures an ID3v2 tag by its syncsafe size, footer included', () => {
    const tag = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0x01, 0x7f]);
    expect(id3v2Size(tag)).toBe(10 + 255 + 10);
    expect(id3v2Size(Buffer.from(HEADER))).toBe(0);
  });
});
