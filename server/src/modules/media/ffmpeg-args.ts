/**
 * Pure builders of ffmpeg invocations for the broadcast pipeline (house style: arguments are built by
 * tested code, the process is run by one adapter). Nothing here touches a process or the filesystem.
 */

/** One ffmpeg run: `<inputOptions> -i <input> <outputOptions> <output>`, in the shape fluent-ffmpeg takes. */
export interface FfmpegInvocation {
  inputOptions: string[];
  input: string;
  outputOptions: string[];
  output: string;
}

/** What the first loudnorm pass measured, fed back to the second pass for a linear gain. */
export interface LoudnormMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

export interface BroadcastProfile {
  loudnessLufs: number;
  bitrateK: number;
}

export const TRUE_PEAK_DBTP = -1.5;
export const LOUDNESS_RANGE_LU = 11;
export const OUTPUT_SAMPLE_RATE = 44_100;

/**
 * `level+info` prefixes every log line with its severity, so decode errors can be told from chatter;
 * `-v error` would also hide loudnorm's JSON, which ffmpeg logs at info level.
 */
const LOG_OPTIONS = ['-loglevel', 'level+info'];

/**
 * Downmix before measuring: loudnorm on a stereo source measures both channels, and the later mono
 * downmix of uncorrelated channels loses up to 3 LU, so the broadcast would miss the target.
 */
const MONO = 'aformat=channel_layouts=mono';

/** Names the output format and target, so a change of profile never collides with stored files' rows. */
export function profileName(p: BroadcastProfile): string {
  return `mp3-mono-${p.bitrateK}k-${OUTPUT_SAMPLE_RATE}-I${p.loudnessLufs}`;
}

export function toArgv(inv: FfmpegInvocation): string[] {
  return [...inv.inputOptions, '-i', inv.input, ...inv.outputOptions, inv.output];
}

function inputSide(input: string): Pick<FfmpegInvocation, 'inputOptions' | 'input'> {
  return { inputOptions: ['-hide_banner', '-nostdin', ...LOG_OPTIONS], input };
}

/** loudnorm's declared option ranges; an out-of-range value makes ffmpeg refuse the whole graph. */
function clamp(v: number, min: number, max: number): string {
  return Math.min(max, Math.max(min, v)).toFixed(2);
}

/** Pass 1: decode everything, measure loudness (EBU R128) and let decode errors surface; no output. */
export function analysisArgs(input: string, loudnessLufs: number): FfmpegInvocation {
  const loudnorm = `loudnorm=I=${loudnessLufs}:TP=${TRUE_PEAK_DBTP}:LRA=${LOUDNESS_RANGE_LU}:print_format=json`;
  return {
    ...inputSide(input),
    // The first audio stream, as ffprobe reports it; cover art and video are never decoded.
    outputOptions: ['-map', '0:a:0', '-vn', '-af', `${MONO},${loudnorm}`, '-f', 'null'],
    output: '-',
  };
}

/** Pass 2: linear two-pass loudnorm with pass 1's measurements, encoded to the broadcast MP3 profile. */
export function transcodeArgs(
  input: string,
  output: string,
  m: LoudnormMeasurement,
  profile: BroadcastProfile,
): FfmpegInvocation {
  const loudnorm = [
    `loudnorm=I=${profile.loudnessLufs}`,
    `TP=${TRUE_PEAK_DBTP}`,
    `LRA=${LOUDNESS_RANGE_LU}`,
    `measured_I=${clamp(m.inputI, -99, 0)}`,
    `measured_TP=${clamp(m.inputTp, -99, 99)}`,
    `measured_LRA=${clamp(m.inputLra, 0, 99)}`,
    `measured_thresh=${clamp(m.inputThresh, -99, 0)}`,
    `offset=${clamp(m.targetOffset, -99, 99)}`,
    'linear=true',
    'print_format=json',
  ].join(':');
  return {
    ...inputSide(input),
    outputOptions: [
      ['-map', '0:a:0', '-vn', '-af', `${MONO},${loudnorm}`],
      ['-ac', '1', '-ar', String(OUTPUT_SAMPLE_RATE)],
      ['-c:a', 'libmp3lame', '-b:a', `${profile.bitrateK}k`],
      // No tags: identical audio must give identical bytes, or content addressing cannot de-duplicate.
      ['-map_metadata', '-1', '-id3v2_version', '0'],
      // The Xing header gives players an exact duration and seeking for the receivers' resume.
      ['-write_xing', '1', '-f', 'mp3'],
    ].flat(),
    output,
  };
}
