/**
 * Pure decisions of the normalisation: which gain and limiter ceiling to encode with, and whether the
 * encoded result (measured again after decoding) is good enough or needs one more encode.
 */
import { type GainStage, INTERMEDIATE_HEADROOM_DB } from './ffmpeg-args.js';

/** The broadcast must land within ±1 LU of the target (issue 4); retrying inside ±0.5 would waste an encode. */
export const LOUDNESS_TOLERANCE_LU = 0.5;
/** EBU R128's maximum true peak for the broadcast. */
export const TRUE_PEAK_LIMIT_DBTP = -1;
/**
 * Meters disagree on true peak by a tenth of a dB or two (ffmpeg's ebur128 oversamples to 192 kHz, the
 * pipeline's meter 4×); the result must pass any of them, so the pipeline's own check is stricter.
 */
export const TRUE_PEAK_MARGIN_DB = 0.3;
/**
 * The limiter works on sample peaks; one dB below the true-peak limit leaves room for peaks between
 * samples and for the MP3 encoder's overshoot. The verify pass checks the real true peak.
 */
export const LIMITER_CEILING_DB = -2;
/** Encodes at most; a signal whose loudness is mostly clicks may never reach the target exactly. */
export const MAX_ENCODES = 3;
/** A retry lowers the ceiling past the measured excess by this much, so it does not creep up by 0.01 dB. */
const CEILING_STEP_DB = 0.3;

export interface Verified {
  integratedLufs: number;
  truePeakDb: number;
}

/** The first encode: bring the intermediate (measured at `intermediateLufs`) to the target. */
export function firstStage(intermediateLufs: number, targetLufs: number): GainStage {
  return { gainDb: round2(targetLufs - intermediateLufs), ceilingDb: LIMITER_CEILING_DB };
}

/** The next stage to try, or null when the result is within tolerance and under the peak limit. */
export function reviseStage(stage: GainStage, result: Verified, targetLufs: number): GainStage | null {
  const loudnessError = targetLufs - result.integratedLufs;
  const peakExcess = result.truePeakDb - (TRUE_PEAK_LIMIT_DBTP - TRUE_PEAK_MARGIN_DB);
  const loudOk = Number.isFinite(loudnessError) && Math.abs(loudnessError) <= LOUDNESS_TOLERANCE_LU;
  if (loudOk && peakExcess <= 0) return null;
  return {
    gainDb: round2(stage.gainDb + (loudOk || !Number.isFinite(loudnessError) ? 0 : loudnessError)),
    ceilingDb: round2(peakExcess > 0 ? stage.ceilingDb - peakExcess - CEILING_STEP_DB : stage.ceilingDb),
  };
}

/** The source's own loudness, for the record: the intermediate measured, less its headroom. */
export function sourceLoudness(intermediateLufs: number): number {
  return round2(intermediateLufs + INTERMEDIATE_HEADROOM_DB);
}

export const round2 = (v: number) => Math.round(v * 100) / 100;
