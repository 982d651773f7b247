/**
 * Just enough RIFF/WAVE to join sentence audio with silences in between, without ffmpeg: the TTS output
 * goes through the regular transcode afterwards, so only PCM16 mono, which every engine here produces,
 * is handled.
 */

export interface Pcm16 {
  sampleRate: number;
  channels: number;
  /** Little-endian 16-bit samples. */
  samples: Buffer;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export class WavError extends Error {
  override name = 'WavError';
}

function readFormat(buf: Buffer, offset: number, size: number) {
  if (size < 16) throw new WavError('fmt chunk too short');
  let format = buf.readUInt16LE(offset);
  // WAVE_FORMAT_EXTENSIBLE carries the real format code as the first two bytes of its sub-format GUID.
  if (format === WAVE_FORMAT_EXTENSIBLE && size >= 26) format = buf.readUInt16LE(offset + 24);
  return {
    format,
    channels: buf.readUInt16LE(offset + 2),
    sampleRate: buf.readUInt32LE(offset + 4),
    bitsPerSample: buf.readUInt16LE(offset + 14),
  };
}

/** Parses a PCM16 WAV. Engines that stream write a placeholder (0xFFFFFFFF) data size: the rest of the file. */
export function parseWav(buf: Buffer): Pcm16 {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError('not a RIFF/WAVE file');
  }
  let fmt: ReturnType<typeof readFormat> | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') fmt = readFormat(buf, body, declared);
    if (id === 'data') {
      if (!fmt) throw new WavError('data chunk before fmt chunk');
      if (fmt.format !== WAVE_FORMAT_PCM || fmt.bitsPerSample !== 16) {
        throw new WavError(
          `unsupported WAV encoding (format ${fmt.format}, ${fmt.bitsPerSample} bits); need PCM 16-bit`,
        );
      }
      const available = buf.length - body;
      const size = Math.min(declared, available);
      const whole = size - (size % (2 * fmt.channels));
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples: buf.subarray(body, body + whole) };
    }
    offset = body + declared + (declared % 2);
  }
  throw new WavError('no data chunk');
}

/** A canonical 44-byte-header PCM16 WAV. */
export function encodeWav(pcm: Pcm16): Buffer {
  const header = Buffer.alloc(44);
  const blockAlign = 2 * pcm.channels;
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + pcm.samples.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  header.writeUInt16LE(pcm.channels, 22);
  header.writeUInt32LE(pcm.sampleRate, 24);
  header.writeUInt32LE(pcm.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(pcm.samples.length, 40);
  return Buffer.concat([header, pcm.samples]);
}

export function pcmDurationMs(pcm: Pcm16): number {
  return Math.round((pcm.samples.length / (2 * pcm.channels) / pcm.sampleRate) * 1000);
}

export interface WavPart {
  wav: Buffer;
  pauseAfterMs: number;
}

/**
 * Joins mono PCM16 parts at one sample rate, with zero samples for each pause. Parts at another rate
 * or with more channels are refused rather than resampled: one provider always answers in one format.
 */
export function concatWav(parts: WavPart[]): { wav: Buffer; sampleRate: number; durationMs: number } {
  const first = parts[0];
  if (!first) throw new WavError('nothing to join');
  const pcms = parts.map((p) => parseWav(p.wav));
  const { sampleRate } = pcms[0] as Pcm16;
  const chunks: Buffer[] = [];
  pcms.forEach((pcm, i) => {
    if (pcm.channels !== 1) throw new WavError(`part ${i + 1} has ${pcm.channels} channels; need mono`);
    if (pcm.sampleRate !== sampleRate) {
      throw new WavError(`part ${i + 1} is ${pcm.sampleRate} Hz, the first part ${sampleRate} Hz`);
    }
    chunks.push(pcm.samples);
    const pause = parts[i]?.pauseAfterMs ?? 0;
    if (pause > 0) chunks.push(Buffer.alloc(Math.round((sampleRate * pause) / 1000) * 2));
  });
  const joined: Pcm16 = { sampleRate, channels: 1, samples: Buffer.concat(chunks) };
  return { wav: encodeWav(joined), sampleRate, durationMs: pcmDurationMs(joined) };
}
