import { describe, expect, it } from 'vitest';
import { joinAudio, sniffFormat } from './audio-join.js';
import { concatWav, encodeWav, parseWav, pcmDurationMs, WavError } from './wav.js';

/** A mono PCM16 tone: every sample is `value`, so joined audio can be checked sample by sample. */
function tone(sampleRate: number, ms: number, value: number): Buffer {
  const count = Math.round((sampleRate * ms) / 1000);
  const samples = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) samples.writeInt16LE(value, i * 2);
  return encodeWav({ sampleRate, channels: 1, samples });
}

describe('parseWav / encodeWav', () => {
  it('round-trips a canonical PCM16 mono file', () => {
    const wav = tone(22050, 100, 1234);
    const pcm = parseWav(wav);
    expect(pcm).toMatchObject({ sampleRate: 22050, channels: 1 });
    expect(pcm.samples.length).toBe(2205 * 2);
    expect(pcm.samples.readInt16LE(0)).toBe(1234);
    expect(pcmDurationMs(pcm)).toBe(100);
  });

  it('skips unknown chunks (LIST) before the data', () => {
    const wav = tone(16000, 10, 7);
    const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    expect(parseWav(withList).samples.length).toBe(160 * 2);
  });

  it('accepts a streaming header whose data size is a placeholder', () => {
    const wav = tone(16000, 10, 7);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(parseWav(wav).samples.length).toBe(320);
  });

  it('refuses what it cannot join', () => {
    expect(() => parseWav(Buffer.from('not a wav at all'))).toThrow(WavError);
    const float = tone(16000, 10, 7);
    float.writeUInt16LE(3, 20);
    expect(() => parseWav(float)).toThrow(/PCM 16-bit/);
  });
});

describe('concatWav', () => {
  it('joins parts with the requested silences, sample-exact', () => {
    const { wav, durationMs, sampleRate } = concatWav([
      { wav: tone(22050, 100, 1000), pauseAfterMs: 350 },
      { wav: tone(22050, 200, 2000), pauseAfterMs: 0 },
    ]);
    expect(sampleRate).toBe(22050);
    expect(durationMs).toBe(650);
    const pcm = parseWav(wav);
    const at = (ms: number) => pcm.samples.readInt16LE(Math.round((22050 * ms) / 1000) * 2);
    expect(at(50)).toBe(1000);
    expect(at(300)).toBe(0);
    expect(at(500)).toBe(2000);
    expect(pcm.samples.length).toBe((2205 + 7718 + 4410) * 2);
  });

  it('refuses parts at different sample rates or with two channels', () => {
    expect(() =>
      concatWav([
        { wav: tone(22050, 10, 1), pauseAfterMs: 0 },
        { wav: tone(16000, 10, 1), pauseAfterMs: 0 },
      ]),
    ).toThrow(/16000 Hz/);
    const stereo = encodeWav({ sampleRate: 16000, channels: 2, samples: Buffer.alloc(64) });
    expect(() => concatWav([{ wav: stereo, pauseAfterMs: 0 }])).toThrow(/mono/);
  });
});

describe('joinAudio and sniffFormat', () => {
  const mp3Frame = Buffer.from([0xff, 0xfb, 0x90, 0x64, 1, 2, 3, 4]);
  const id3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0, 0, 0, 0, 4]), Buffer.from('tag!')]);

  it('recognises WAV, MP3 and Ogg by their bytes', () => {
    expect(sniffFormat(tone(8000, 1, 0))).toBe('wav');
    expect(sniffFormat(mp3Frame)).toBe('mp3');
    expect(sniffFormat(id3)).toBe('mp3');
    expect(sniffFormat(Buffer.from('OggS\0\x02', 'latin1'))).toBe('ogg');
    expect(sniffFormat(Buffer.from('{"error":1}'))).toBeUndefined();
  });

  it('returns one WAV part as is, with its duration', () => {
    const wav = tone(8000, 250, 3);
    expect(joinAudio([{ audio: wav, format: 'wav', pauseAfterMs: 0 }])).toMatchObject({
      audio: wav,
      durationMs: 250,
      sampleRate: 8000,
    });
  });

  it('chains MP3 parts, dropping the ID3 tags of all but the first', () => {
    const joined = joinAudio([
      { audio: Buffer.concat([id3, mp3Frame]), format: 'mp3', pauseAfterMs: 350 },
      { audio: Buffer.concat([id3, mp3Frame]), format: 'mp3', pauseAfterMs: 0 },
    ]);
    expect(joined.format).toBe('mp3');
    expect(joined.audio).toEqual(Buffer.concat([id3, mp3Frame, mp3Frame]));
  });

  it('refuses a mix of formats', () => {
    expect(() =>
      joinAudio([
        { audio: tone(8000, 1, 0), format: 'wav', pauseAfterMs: 0 },
        { audio: mp3Frame, format: 'mp3', pauseAfterMs: 0 },
      ]),
    ).toThrow(/wav and mp3/);
  });
});
