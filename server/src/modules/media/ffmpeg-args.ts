/**
 * Pure builders of ffmpeg invocations for the broadcast pipeline (house style: arguments are built by
 * tested code, the process is run by one adapter). Nothing here touches a process or the filesystem.
 *
 * The pipeline (issue 4, item 6: ≥ 100× realtime on one core):
 *   1. decode  — the source, once, to a mono 16-bit PCM intermediate at the output rate;
 *   2. (Node measures its loudness, see loudness-meter.ts)
 *   3. encode  — a linear gain and a peak limiter on the intermediate, encoded to MP3;
 *   4. verify  — the MP3 decoded back to PCM and measured again (loudness-plan.ts decides a retry).
 * loudnorm, which this replaces, resamples to 192 kHz internally and decoded the source twice.
 */

/** One ffmpeg run: `<inputOptions> -i <input> <outputOptions> <output>`, in the shape fluent-ffmpeg takes. */
export interface FfmpegInvocation {
  inputOptions: string[];
  input: string;
  outputOptions: string[];
  output: string;
}

export interface BroadcastProfile {
  loudnessLufs: number;
  bitrateK: number;
  /** Of the stored MP3 and of the PCM intermediate; 22 050 Hz by default (see config.ts). */
  sampleRate: number;
}

/**
 * The intermediate is written 6 dB down so that a downmix or resampler overshoot of a full-scale
 * source never clips its 16 bits; 90 dB of range remain, far more than a horn loudspeaker's.
 */
export const INTERMEDIATE_HEADROOM_DB = 6;

/**
 * libmp3lame's `-q 7`: about 1.5× faster than its default (3), with no audible difference for speech
 * on horn loudspeakers at 64 kb/s; the encoder is most of the pipeline's CPU time.
 */
export const MP3_COMPRESSION_LEVEL = 7;

/**
 * `level+info` prefixes every log line with its severity, so decode errors can be told from chatter.
 * `-threads 1`: one ffmpeg process is one core, which is what the transcode slots count.
 */
const COMMON_INPUT = ['-hide_banner', '-nostdin', '-loglevel', 'level+info', '-threads', '1'];

/** The raw intermediate: mono signed 16-bit little-endian at a known rate, no header. */
const pcmInput = (rate: number) => ['-f', 's16le', '-ar', String(rate), '-ac', '1'];
const pcmOutput = (rate: number) => ['-ar', String(rate), '-c:a', 'pcm_s16le', '-f', 's16le'];

/** Names the output format and target, so a change of profile never collides with stored files' rows. */
export function profileName(p: BroadcastProfile): string {
  return `mp3-mono-${p.bitrateK}k-${p.sampleRate}-I${p.loudnessLufs}`;
}

export function toArgv(inv: FfmpegInvocation): string[] {
  return [...inv.inputOptions, '-i', inv.input, ...inv.outputOptions, inv.output];
}

/**
 * Pass 1: decode the first audio stream (cover art and video are never decoded), downmix, resample and
 * write the intermediate; decode errors surface in the log. `maxMs` stops an over-long file early: a
 * file decoded past it is rejected without decoding the rest.
 */
export function decodeArgs(input: string, pcmOut: string, o: { sampleRate: number; maxMs: number }): FfmpegInvocation {
  const filters = [
    'aformat=channel_layouts=mono',
    `aresample=${o.sampleRate}`,
    `volume=-${INTERMEDIATE_HEADROOM_DB}dB`,
  ];
  return {
    inputOptions: COMMON_INPUT,
    input,
    outputOptions: [
      ['-map', '0:a:0', '-vn', '-sn', '-dn'],
      ['-t', ((o.maxMs + 1000) / 1000).toFixed(3)],
      ['-af', filters.join(',')],
      pcmOutput(o.sampleRate),
    ].flat(),
    output: pcmOut,
  };
}

export interface GainStage {
  /** Linear gain applied to the intermediate, in dB (its headroom included). */
  gainDb: number;
  /** Sample-peak ceiling of the limiter, in dBFS. */
  ceilingDb: number;
}

/** `alimiter` takes the ceiling as a linear factor within [0.0625, 1]. */
function limiterLevel(ceilingDb: number): string {
  return Math.min(1, Math.max(0.0625, 10 ** (ceilingDb / 20))).toFixed(4);
}

/**
 * Pass 2: gain and limiter on the intermediate, encoded to the broadcast MP3. `level=false` stops
 * alimiter's default make-up gain, which would push the output back up to full scale.
 */
export function encodeArgs(
  pcmIn: string,
  output: string,
  o: { pcmRate: number; stage: GainStage; profile: BroadcastProfile },
): FfmpegInvocation {
  const limiter = `alimiter=limit=${limiterLevel(o.stage.ceilingDb)}:level=false`;
  return {
    inputOptions: [...COMMON_INPUT, ...pcmInput(o.pcmRate)],
    input: pcmIn,
    outputOptions: [
      ['-af', `volume=${o.stage.gainDb.toFixed(2)}dB,${limiter}`],
      ['-ac', '1', '-ar', String(o.profile.sampleRate)],
      ['-c:a', 'libmp3lame', '-b:a', `${o.profile.bitrateK}k`],
      ['-compression_level', String(MP3_COMPRESSION_LEVEL), '-threads', '1'],
      // No tags: identical audio must give identical bytes, or content addressing cannot de-duplicate.
      ['-map_metadata', '-1', '-id3v2_version', '0'],
      // The Xing header gives players an exact duration and seeking for the receivers' resume.
      ['-write_xing', '1', '-f', 'mp3'],
    ].flat(),
    output,
  };
}

/** Pass 3: the stored MP3 decoded back to PCM, to measure what receivers will actually play. */
export function verifyArgs(mp3In: string, pcmOut: string, sampleRate: number): FfmpegInvocation {
  return {
    inputOptions: COMMON_INPUT,
    input: mp3In,
    outputOptions: ['-map', '0:a:0', ...pcmOutput(sampleRate)],
    output: pcmOut,
  };
}
