import { describe, expect, it } from 'vitest';
import { analysisArgs, profileName, toArgv, transcodeArgs } from './ffmpeg-args.js';

const measured = { inputI: -27.61, inputTp: -4.47, inputLra: 18.06, inputThresh: -39.2, targetOffset: 0.58 };

describe('ffmpeg-args', () => {
  it('builds the analysis pass: decode the first audio stream, measure, write nothing', () => {
    expect(toArgv(analysisArgs('/d/tmp/in.upload', -16))).toEqual([
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'level+info',
      '-i',
      '/d/tmp/in.upload',
      '-map',
      '0:a:0',
      '-vn',
      '-af',
      'aformat=channel_layouts=mono,loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json',
      '-f',
      'null',
      '-',
    ]);
  });

  it('builds the linear second pass from the measurements and encodes the broadcast MP3', () => {
    const argv = toArgv(transcodeArgs('/in', '/out.mp3', measured, { loudnessLufs: -16, bitrateK: 64 }));
    expect(argv.slice(0, 6)).toEqual(['-hide_banner', '-nostdin', '-loglevel', 'level+info', '-i', '/in']);
    expect(argv[argv.indexOf('-af') + 1]).toBe(
      'aformat=channel_layouts=mono,loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-27.61:measured_TP=-4.47' +
        ':measured_LRA=18.06:measured_thresh=-39.20:offset=0.58:linear=true:print_format=json',
    );
    expect(argv.slice(argv.indexOf('-af') + 2)).toEqual([
      '-ac',
      '1',
      '-ar',
      '44100',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      '-map_metadata',
      '-1',
      '-id3v2_version',
      '0',
      '-write_xing',
      '1',
      '-f',
      'mp3',
      '/out.mp3',
    ]);
  });

  it('clamps measurements into the ranges loudnorm accepts', () => {
    const quiet = { inputI: -69.5, inputTp: -120, inputLra: 140, inputThresh: -79.5, targetOffset: 0 };
    const opts = transcodeArgs('/in', '/out', quiet, { loudnessLufs: -23, bitrateK: 96 }).outputOptions;
    const af = opts[opts.indexOf('-af') + 1];
    expect(af).toContain('measured_I=-69.50:measured_TP=-99.00:measured_LRA=99.00:measured_thresh=-79.50');
    expect(af).toContain('loudnorm=I=-23:');
  });

  it('names the profile after everything that changes the output', () => {
    expect(profileName({ loudnessLufs: -16, bitrateK: 64 })).toBe('mp3-mono-64k-44100-I-16');
    expect(profileName({ loudnessLufs: -23, bitrateK: 96 })).toBe('mp3-mono-96k-44100-I-23');
  });

  it('never splits a path with spaces into two arguments', () => {
    const inv = analysisArgs('/data dir/tmp/my file.wav', -16);
    expect(inv.input).toBe('/data dir/tmp/my file.wav');
    expect(inv.inputOptions.every((o) => !o.includes(' '))).toBe(true);
    expect(inv.outputOptions.every((o) => !o.includes(' '))).toBe(true);
  });
});
