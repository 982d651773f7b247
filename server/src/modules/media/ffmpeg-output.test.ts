import { describe, expect, it } from 'vitest';
import { decodedMs, durationWasEstimated, errorLines, progressMs } from './ffmpeg-output.js';

/** Captured from the bundled ffmpeg (N-47683, 2018) running analysisArgs() on a 10 s MP3. */
const ANALYSIS_STDERR = `[info] Input #0, mp3, from '/data/tmp/media-1.upload':
[info]   Metadata:
[info]     encoder         : Lavf58.24.100
[info]   Duration: 00:00:10.03, start: 0.025057, bitrate: 128 kb/s
[info]     Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 128 kb/s
[info] Stream mapping:
[info]   Stream #0:0 -> #0:0 (mp3 (mp3float) -> pcm_s16le (native))
[info] Output #0, null, to 'pipe:':
[info]     Stream #0:0: Audio: pcm_s16le, 192000 Hz, mono, s16, 3072 kb/s
[info] size=N/A time=00:00:04.51 bitrate=N/A speed=60.2x    \r[info] size=N/A time=00:00:10.00 bitrate=N/A speed=61.1x    
[info] video:0kB audio:3750kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_loudnorm_1 @ 0x3b929a00] [info] 
{
\t"input_i" : "-32.67",
\t"input_tp" : "-21.64",
\t"input_lra" : "0.10",
\t"input_thresh" : "-42.67",
\t"output_i" : "-15.99",
\t"output_tp" : "-4.96",
\t"output_lra" : "0.10",
\t"output_thresh" : "-25.99",
\t"normalization_type" : "dynamic",
\t"target_offset" : "-0.01"
}
`;

/** Captured: an MP3 with 10 kB of garbage in the middle. */
const CORRUPT_STDERR = `[info]   Duration: 00:00:10.03, start: 0.025057, bitrate: 128 kb/s
[mp3float @ 0x3ae92c00] [error] Header missing
[error] Error while decoding stream #0:0: Invalid data found when processing input
[info] size=N/A time=00:00:09.35 bitrate=N/A speed=61.1x    
`;

describe('progress and duration', () => {
  it('parses progress times, including the \\r-separated final line', () => {
    expect(progressMs('size=N/A time=01:02:03.45 bitrate=N/A')).toBe(3_723_450);
    expect(progressMs('time=-00:00:00.02')).toBe(0);
    expect(progressMs('[info] Stream mapping:')).toBeNull();
    expect(decodedMs(ANALYSIS_STDERR)).toBe(10_000);
    expect(decodedMs('no progress')).toBeNull();
  });

  it('finds error-level lines only', () => {
    expect(errorLines(CORRUPT_STDERR)).toEqual([
      '[mp3float @ 0x3ae92c00] [error] Header missing',
      '[error] Error while decoding stream #0:0: Invalid data found when processing input',
    ]);
    expect(errorLines(ANALYSIS_STDERR)).toEqual([]);
    expect(errorLines('[warning] Guessed Channel Layout for Input Stream #0.0 : mono')).toEqual([]);
  });

  it('notices a duration estimated from the bitrate', () => {
    expect(durationWasEstimated('[mp3 @ 0x1] [warning] Estimating duration from bitrate, this may be inaccurate')).toBe(
      true,
    );
    expect(durationWasEstimated(ANALYSIS_STDERR)).toBe(false);
  });
});
