import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { checkAnalysis, checkProbe, isShortfall, type ProbeResult, wavIsTruncated } from './media-validation.js';

const probe = (p: Partial<ProbeResult> = {}): ProbeResult => ({
  formatName: 'wav',
  durationMs: 10_000,
  audioStreams: 1,
  codec: 'pcm_s16le',
  sampleRate: 44_100,
  channels: 1,
  ...p,
});

/** The tail of an analysis pass as the bundled ffmpeg prints it (see ffmpeg-output.test.ts). */
function stderr(o: { time?: string; inputI?: string; extra?: string } = {}): string {
  return [
    '[info]   Duration: 00:00:10.00, bitrate: 705 kb/s',
    o.extra ?? '',
    `[info] size=N/A time=${o.time ?? '00:00:10.00'} bitrate=N/A speed=61.4x    `,
    '[Parsed_loudnorm_1 @ 0xb7b5f40] [info] ',
    `{\n\t"input_i" : "${o.inputI ?? '-24.50'}",\n\t"input_tp" : "-6.00",\n\t"input_lra" : "3.10",`,
    '\t"input_thresh" : "-34.60",\n\t"output_i" : "-16.02",\n\t"output_tp" : "-1.50",\n\t"output_lra" : "2.90",',
    '\t"output_thresh" : "-26.10",\n\t"normalization_type" : "dynamic",\n\t"target_offset" : "0.02"\n}',
  ].join('\n');
}

const analysis = (s: string, declaredMs: number | null = 10_000) =>
  checkAnalysis({ stderr: s, declaredMs, maxDurationMs: 3 * 3600_000, inputPath: '/srv/data/tmp/media-x.upload' });

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

describe('checkAnalysis', () => {
  it('returns loudness and decoded duration of a clean decode', () => {
    const a = analysis(stderr());
    expect(a.decodedMs).toBe(10_000);
    expect(a.loudness.inputI).toBe(-24.5);
  });

  it('rejects decode errors as damaged, without leaking the server path', () => {
    const e = rejection(() =>
      analysis(stderr({ extra: '[error] /srv/data/tmp/media-x.upload: Invalid data found when processing input' })),
    );
    expect(e.code).toBe('unprocessable');
    expect(e.message).toMatch(/damaged or truncated/);
    expect(e.details).toEqual({
      decoderErrors: ['[error] <input>: Invalid data found when processing input'],
      errorCount: 1,
    });
  });

  it('rejects a file that decodes to much less than it declares (a cut MP3 with a Xing header)', () => {
    const e = rejection(() => analysis(stderr({ time: '00:00:04.96' }), 10_031));
    expect(e.message).toBe('the file is truncated: it declares 10.0 s of audio but only 5.0 s could be decoded');
  });

  it('tolerates encoder padding, and trusts no duration the demuxer only estimated', () => {
    expect(() => analysis(stderr({ time: '00:00:10.00' }), 10_031)).not.toThrow();
    const estimated = stderr({ time: '00:00:05.30', extra: '[mp3 @ 0x1] [warning] Estimating duration from bitrate' });
    expect(() => analysis(estimated, 10_031)).not.toThrow();
    expect(isShortfall(3_600_000, 3_560_000)).toBe(false);
    expect(isShortfall(3_600_000, 3_500_000)).toBe(true);
  });

  it('rejects silence at or below the gate', () => {
    expect(rejection(() => analysis(stderr({ inputI: '-inf' }))).message).toBe('the recording is silent');
    expect(rejection(() => analysis(stderr({ inputI: '-70.00' }))).message).toBe('the recording is silent');
    expect(() => analysis(stderr({ inputI: '-69.00' }))).not.toThrow();
  });

  it('rejects a decode longer than the limit even when the header had no duration', () => {
    const e = rejection(() =>
      checkAnalysis({
        stderr: stderr({ time: '00:02:00.00' }),
        declaredMs: null,
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
