import { describe, expect, it } from 'vitest';
import { decodeArgs, encodeArgs, profileName, toArgv, verifyArgs } from './ffmpeg-args.js';

const profile = { loudnessLufs: -16, bitrateK: 64, sampleRate: 22_050 };
const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'level+info', '-threads', '1'];

describe('ffmpeg-args', () => {
  it('builds the decode pass: first audio stream, mono, output rate, 6 dB headroom, raw PCM, stopped past the limit', () => {
    expect(toArgv(decodeArgs('/d/tmp/in.upload', '/d/jobs/x.pcm', { sampleRate: 22_050, maxMs: 60_000 }))).toEqual([
      ...COMMON,
      '-i',
      '/d/tmp/in.upload',
      ...['-map', '0:a:0', '-vn', '-sn', '-dn', '-t', '61.000'],
      ...['-af', 'aformat=channel_layouts=mono,aresample=22050,volume=-6dB'],
      ...['-ar', '22050', '-c:a', 'pcm_s16le', '-f', 's16le'],
      '/d/jobs/x.pcm',
    ]);
  });

  it('builds the encode pass: gain and limiter on the raw intermediate, one-thread MP3 without tags', () => {
    const stage = { gainDb: 15.996, ceilingDb: -2 };
    expect(toArgv(encodeArgs('/x.pcm', '/out.mp3', { pcmRate: 22_050, stage, profile }))).toEqual([
      ...COMMON,
      ...['-f', 's16le', '-ar', '22050', '-ac', '1', '-i', '/x.pcm'],
      ...['-af', 'volume=16.00dB,alimiter=limit=0.7943:level=false'],
      ...['-ac', '1', '-ar', '22050', '-c:a', 'libmp3lame', '-b:a', '64k'],
      ...['-compression_level', '7', '-threads', '1'],
      ...['-map_metadata', '-1', '-id3v2_version', '0', '-write_xing', '1', '-f', 'mp3'],
      '/out.mp3',
    ]);
  });

  it('keeps the limiter ceiling within what alimiter accepts', () => {
    const af = (ceilingDb: number) => {
      const o = encodeArgs('/x', '/y', { pcmRate: 16_000, stage: { gainDb: -3, ceilingDb }, profile }).outputOptions;
      return o[o.indexOf('-af') + 1];
    };
    expect(af(3)).toBe('volume=-3.00dB,alimiter=limit=1.0000:level=false');
    expect(af(-40)).toBe('volume=-3.00dB,alimiter=limit=0.0625:level=false');
  });

  it('builds the verify pass: the MP3 back to PCM at its own rate', () => {
    expect(toArgv(verifyArgs('/out.mp3', '/check.pcm', 22_050))).toEqual([
      ...COMMON,
      ...['-i', '/out.mp3', '-map', '0:a:0', '-ar', '22050', '-c:a', 'pcm_s16le', '-f', 's16le', '/check.pcm'],
    ]);
  });

  it('names the profile after everything that changes the output', () => {
    expect(profileName(profile)).toBe('mp3-mono-64k-22050-I-16');
    expect(profileName({ loudnessLufs: -23, bitrateK: 96, sampleRate: 44_100 })).toBe('mp3-mono-96k-44100-I-23');
  });

  it('never splits a path with spaces into two arguments', () => {
    const inv = decodeArgs('/data dir/tmp/my file.wav', '/data dir/x.pcm', { sampleRate: 22_050, maxMs: 1000 });
    expect(inv.input).toBe('/data dir/tmp/my file.wav');
    expect(inv.inputOptions.every((o) => !o.includes(' '))).toBe(true);
    expect(inv.outputOptions.every((o) => !o.includes(' '))).toBe(true);
  });
});
