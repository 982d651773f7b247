import { describe, expect, it } from 'vitest';
import { firstStage, LIMITER_CEILING_DB, reviseStage, sourceLoudness } from './loudness-plan.js';

describe('loudness plan', () => {
  it('starts with the gain that brings the intermediate to the target, under the limiter ceiling', () => {
    expect(firstStage(-31.89, -16)).toEqual({ gainDb: 15.89, ceilingDb: LIMITER_CEILING_DB });
    expect(sourceLoudness(-31.89)).toBe(-25.89);
  });

  it('accepts a result within 0.5 LU and under −1 dBTP with a margin for other meters', () => {
    const stage = firstStage(-30, -16);
    expect(reviseStage(stage, { integratedLufs: -16.45, truePeakDb: -1.5 }, -16)).toBeNull();
    expect(reviseStage(stage, { integratedLufs: -15.6, truePeakDb: -1.3 }, -16)).toBeNull();
    expect(reviseStage(stage, { integratedLufs: -16, truePeakDb: -1.1 }, -16)).not.toBeNull();
  });

  it('adds the missing loudness when the limiter or the encoder took too much', () => {
    const stage = firstStage(-35, -16);
    expect(reviseStage(stage, { integratedLufs: -18.1, truePeakDb: -2 }, -16)).toEqual({
      gainDb: 21.1,
      ceilingDb: -2,
    });
  });

  it('lowers the ceiling past a true peak over the limit, keeping the gain', () => {
    const stage = firstStage(-20, -16);
    expect(reviseStage(stage, { integratedLufs: -16.1, truePeakDb: -0.6 }, -16)).toEqual({
      gainDb: 4,
      ceilingDb: -3,
    });
  });

  it('never turns an unmeasurable result into a gain change', () => {
    const stage = firstStage(-20, -16);
    expect(reviseStage(stage, { integratedLufs: Number.NEGATIVE_INFINITY, truePeakDb: -30 }, -16)).toEqual(stage);
  });
});
