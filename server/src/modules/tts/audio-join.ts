import type { AudioFormat } from './tts.types.js';
import { concatWav, parseWav, pcmDurationMs } from './wav.js';

/** What the bytes say they are; providers' Content-Type headers are often generic or wrong. */
export function sniffFormat(buf: Buffer): AudioFormat | undefined {
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WAVE') {
    return 'wav';
  }
  if (buf.length >= 4 && buf.toString('latin1', 0, 4) === 'OggS') return 'ogg';
  if (buf.length >= 3 && buf.toString('latin1', 0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame header starts with 11 set bits.
  if (buf.length >= 2 && buf[0] === 0xff && ((buf[1] ?? 0) & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}

/** Size of a leading ID3v2 tag (10-byte header + syncsafe size + optional footer), 0 if none. */
function id3v2Length(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0;
  const byte = (i: number) => (buf[i] ?? 0) & 0x7f;
  const size = (byte(6) << 21) | (byte(7) << 14) | (byte(8) << 7) | byte(9);
  const footer = ((buf[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return Math.min(buf.length, 10 + size + footer);
}

/** MP3 streams join frame to frame once the tags between them are gone (decoders would read them as noise). */
function stripMp3Tags(buf: Buffer, keepLeading: boolean): Buffer {
  const start = keepLeading ? 0 : id3v2Length(buf);
  const hasId3v1 = buf.length - start >= 128 && buf.toString('latin1', buf.length - 128, buf.length - 125) === 'TAG';
  return buf.subarray(start, hasId3v1 ? buf.length - 128 : buf.length);
}

export interface AudioPart {
  audio: Buffer;
  format: AudioFormat;
  pauseAfterMs: number;
}

export interface JoinedAudio {
  audio: Buffer;
  format: AudioFormat;
  sampleRate?: number;
  durationMs?: number;
}

/**
 * WAV parts are joined sample-exact with the requested silences. Compressed parts cannot take inserted
 * silence without decoding, so they are chained as they are: MP3 frame streams concatenate, and Ogg
 * defines consecutive streams in one file ("chaining", RFC 3533 §4); the transcode step after TTS
 * re-encodes either into the library format.
 */
export function joinAudio(parts: AudioPart[]): JoinedAudio {
  const first = parts[0];
  if (!first) throw new Error('nothing to join');
  const mixed = parts.find((p) => p.format !== first.format);
  if (mixed) throw new Error(`provider returned both ${first.format} and ${mixed.format}`);
  if (first.format === 'wav') {
    if (parts.length === 1) {
      const pcm = parseWav(first.audio);
      return { audio: first.audio, format: 'wav', sampleRate: pcm.sampleRate, durationMs: pcmDurationMs(pcm) };
    }
    const { wav, sampleRate, durationMs } = concatWav(
      parts.map((p) => ({ wav: p.audio, pauseAfterMs: p.pauseAfterMs })),
    );
    return { audio: wav, format: 'wav', sampleRate, durationMs };
  }
  if (parts.length === 1) return { audio: first.audio, format: first.format };
  const buffers =
    first.format === 'mp3' ? parts.map((p, i) => stripMp3Tags(p.audio, i === 0)) : parts.map((p) => p.audio);
  return { audio: Buffer.concat(buffers), format: first.format };
}
