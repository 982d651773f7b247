import { open } from 'node:fs/promises';

/**
 * Duration of an MPEG Layer III file from its first frame, without decoding: the fleet simulator's
 * timer player needs the length of each bulletin but the Player interface hands it only the file
 * (see timer-player.ts). The server writes CBR mp3 with a Xing/Info frame and no ID3 tag
 * (server/src/modules/media/ffmpeg-args.ts); an ID3v2 tag and files without Xing are handled too.
 */

const MPEG1 = 3;
const LAYER3 = 1;
const BITRATES_K = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44_100, 48_000, 32_000],
  2: [22_050, 24_000, 16_000],
  0: [11_025, 12_000, 8_000],
};
/** Enough for an ID3-less header, the Xing frame and its LAME extension; larger ID3 tags cost one more read. */
const HEAD_BYTES = 4096;

export interface FrameHeader {
  offset: number;
  mpeg1: boolean;
  mono: boolean;
  bitrateK: number;
  sampleRate: number;
  samplesPerFrame: number;
}

export class Mp3Error extends Error {
  override name = 'Mp3Error';
}

/** Size of a leading ID3v2 tag (0 without one); its size field is "syncsafe", 7 bits per byte. */
export function id3v2Size(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((buf[6]! & 0x7f) << 21) | ((buf[7]! & 0x7f) << 14) | ((buf[8]! & 0x7f) << 7) | (buf[9]! & 0x7f);
  const footer = (buf[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** The first valid Layer III frame header at or after `from`. */
export function findFrame(buf: Buffer, from: number): FrameHeader | null {
  for (let i = from; i + 4 <= buf.length; i++) {
    if (buf[i] !== 0xff || (buf[i + 1]! & 0xe0) !== 0xe0) continue;
    const b1 = buf[i + 1]!;
    const b2 = buf[i + 2]!;
    const version = (b1 >> 3) & 3;
    const rates = SAMPLE_RATES[version];
    const bitrateIndex = b2 >> 4;
    const rateIndex = (b2 >> 2) & 3;
    if (((b1 >> 1) & 3) !== LAYER3 || !rates || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) continue;
    const mpeg1 = version === MPEG1;
    return {
      offset: i,
      mpeg1,
      mono: buf[i + 3]! >> 6 === 3,
      bitrateK: (mpeg1 ? BITRATES_K.mpeg1 : BITRATES_K.mpeg2)[bitrateIndex]!,
      sampleRate: rates[rateIndex]!,
      samplesPerFrame: mpeg1 ? 1152 : 576,
    };
  }
  return null;
}

/**
 * Frame count and the encoder's delay + padding (in samples) from a Xing/Info frame, which sits right
 * after the side information of the first frame. Null when the first frame is an audio frame.
 */
export function readXing(buf: Buffer, h: FrameHeader): { frames: number; trimSamples: number } | null {
  const sideInfo = h.mpeg1 ? (h.mono ? 17 : 32) : h.mono ? 9 : 17;
  let p = h.offset + 4 + sideInfo;
  if (p + 8 > buf.length) return null;
  const tag = buf.toString('latin1', p, p + 4);
  if (tag !== 'Xing' && tag !== 'Info') return null;
  const flags = buf.readUInt32BE(p + 4);
  p += 8;
  if ((flags & 1) === 0 || p + 4 > buf.length) return null;
  const frames = buf.readUInt32BE(p);
  p += 4 + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  // LAME's extension, also written by ffmpeg (as "Lavc…"): 9 bytes of encoder name, 12 bytes of other
  // fields, then 12 bits of encoder delay and 12 of padding, which are not part of the audio.
  let trimSamples = 0;
  if (p + 24 <= buf.length && /^[A-Za-z]{4}$/.test(buf.toString('latin1', p, p + 4))) {
    const d = p + 21;
    trimSamples = ((buf[d]! << 4) | (buf[d + 1]! >> 4)) + (((buf[d + 1]! & 0x0f) << 8) | buf[d + 2]!);
  }
  return { frames, trimSamples };
}

/** Duration in ms of the mp3 whose first bytes are `head` and whose total size is `fileSize`. */
export function mp3DurationFromHead(head: Buffer, fileSize: number, audioStart = 0): number {
  const h = findFrame(head, audioStart);
  if (!h) throw new Mp3Error('no MPEG Layer III frame found');
  const xing = readXing(head, h);
  if (xing) {
    const samples = Math.max(0, xing.frames * h.samplesPerFrame - xing.trimSamples);
    return Math.round((samples / h.sampleRate) * 1000);
  }
  // Without a Xing frame, assume constant bitrate: audio bytes over bytes per millisecond.
  return Math.round(((fileSize - h.offset) * 8) / h.bitrateK);
}

export async function readMp3DurationMs(file: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const first = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await fh.read(first, 0, first.length, 0);
    const skip = id3v2Size(first);
    if (skip === 0) return mp3DurationFromHead(first, size);
    const head = Buffer.alloc(Math.max(0, Math.min(HEAD_BYTES, size - skip)));
    await fh.read(head, 0, head.length, skip);
    return mp3DurationFromHead(head, size - skip);
  } finally {
    await fh.close();
  }
}
