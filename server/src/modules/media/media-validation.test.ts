import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { checkDecode, checkProbe, isShortfall, type ProbeResult, wavIsTruncated } from './media-validation.js';

const probe = (p: Partial<ProbeResult> = {}): ProbeResult => ({
  formatName: 'wav',
  durationMs: 10_000,
  audioStreams: 1,
  codec: 'pcm_s16le',
  sampleRate: 44_100,
  channels: 1,
  ...p,
});

/** The tail of a decode pass as the bundled ffmpeg prints it (see ffmpeg-output.test.ts). */
const stderr = (extra = '') =>
  ['[info]   Duration: 00:00:10.00, bitrate: 705 kb/s', extra, '[info] size=N/A time=00:00:10.00 bitrate=N/A'].join(
    '\n',
  );

const decode = (o: { stderr?: string; declaredMs?: number | null; decodedMs?: number; lufs?: number } = {}) =>
  checkDecode({
    stderr: o.stderr ?? stderr(),
    declaredMs: o.declaredMs === undefined ? 10_000 : o.declaredMs,
    decodedMs: o.decodedMs ?? 10_000,
    loudnessLufs: o.lufs ?? -30.5,
    maxDurationMs: 3 * 3600_000,
    inputPath: '/srv/data/tmp/media-x.upload',
  });

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('checkProbe', () => {
  it('accepts audio within the limit', () => {
    expect(() => checkProbe(probe(), 60_000)).not.toThrow();
    expect(() => checkProbe(probe({ durationMs: null }), 60_000)).not.toThrow();
  });

  it('rejects a file without audio as unsupported media', () => {
    const e = rejection(() => checkProbe(probe({ audioStreams: 0, formatName: 'png_pipe' }), 60_000));
    expect([e.code, e.status, e.message]).toEqual(['unsupported_media', 415, 'the file has no audio stream']);
  });

  it('rejects a recording over the limit with both numbers', () => {
    const e = rejection(() => checkProbe(probe({ durationMs: 200 * 60_000 }), 180 * 60_000));
    expect(e.code).toBe('unprocessable');
    expect(e.message).toBe('the recording is 12000.0 s long; the limit is 180 minutes');
  });
});

describe('checkDecode', () => {
  it('accepts a clean decode', () => {
    expect(() => decode()).not.toThrow();
  });

  it('rejects decode errors as damaged, without leaking the server path', () => {
    const e = rejection(() =>
      decode({ stderr: stderr('[error] /srv/data/tmp/media-x.upload: Invalid data found when processing input') }),
    );
    expect(e.code).toBe('unprocessable');
    expect(e.message).toMatch(/damaged or truncated/);
    expect(e.details).toEqual({
      decoderErrors: ['[error] <input>: Invalid data found when processing input'],
      errorCount: 1,
    });
  });

  it('rejects a file that decodes to much less than it declares (a cut MP3 with a Xing header)', () => {
    const e = rejection(() => decode({ declaredMs: 10_031, decodedMs: 4_960 }));
    expect(e.message).toBe('the file is truncated: it declares 10.0 s of audio but only 5.0 s could be decoded');
  });

  it('tolerates encoder padding, and trusts no duration the demuxer only estimated', () => {
    expect(() => decode({ declaredMs: 10_031, decodedMs: 10_000 })).not.toThrow();
    const estimated = stderr('[mp3 @ 0x1] [warning] Estimating duration from bitrate');
    expect(() => decode({ stderr: estimated, declaredMs: 10_031, decodedMs: 5_300 })).not.toThrow();
    expect(isShortfall(3_600_000, 3_560_000)).toBe(false);
    expect(isShortfall(3_600_000, 3_500_000)).toBe(true);
  });

  it('rejects silence at or below the gate, and audio too short to measure', () => {
    expect(rejection(() => decode({ lufs: Number.NEGATIVE_INFINITY })).message).toBe('the recording is silent');
    expect(rejection(() => decode({ lufs: -70 })).message).toBe('the recording is silent');
    expect(() => decode({ lufs: -69 })).not.toThrow();
    expect(rejection(() => decode({ declaredMs: null, decodedMs: 300 })).message).toMatch(/only 0.3 s long/);
    expect(rejection(() => decode({ declaredMs: null, decodedMs: 0 })).message).toMatch(/no audio samples/);
  });

  it('rejects a decode longer than the limit even when the header had no duration', () => {
    const e = rejection(() =>
      checkDecode({
        stderr: stderr(),
        declaredMs: null,
        decodedMs: 120_000,
        loudnessLufs: -20,
        maxDurationMs: 60_000,
        inputPath: '/x',
      }),
    );
    expect(e.message).toMatch(/^the recording is 120.0 s long/);
  });
});

describe('wavIsTruncated', () => {
  function wav(dataBytes: number, declared = dataBytes, extraChunk = 0): Buffer {
    const extra = extraChunk
      ? Buffer.concat([Buffer.from('LIST'), u32(extraChunk), Buffer.alloc(extraChunk + (extraChunk % 2))])
      : Buffer.alloc(0);
    const fmt = Buffer.concat([Buffer.from('fmt '), u32(16), Buffer.alloc(16)]);
    const body = Buffer.concat([
      Buffer.from('WAVE'),
      fmt,
      extra,
      Buffer.from('data'),
      u32(declared),
      Buffer.alloc(dataBytes),
    ]);
    return Buffer.concat([Buffer.from('RIFF'), u32(body.length), body]);
  }
  function u32(n: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  }

  it('sees a data chunk that promises more than the file holds', () => {
    const whole = wav(1000);
    expect(wavIsTruncated(whole, whole.length)).toBe(false);
    expect(wavIsTruncated(whole.subarray(0, 600), 600)).toBe(true);
    const withList = wav(1000, 1000, 33);
    expect(wavIsTruncated(withList, withList.length)).toBe(false);
    expect(wavIsTruncated(withList, withList.length - 1)).toBe(true);
  });

  it('ignores streamed WAVs with unknown sizes and anything that is not RIFF/WAVE', () => {
    expect(wavIsTruncated(wav(100, 0xffff_ffff), 144)).toBe(false);
    expect(wavIsTruncated(wav(100, 0), 144)).toBe(false);
    expect(wavIsTruncated(Buffer.from('ID3\u0004 not a wav at all'), 10)).toBe(false);
  });
});
