import { describe, expect, it } from 'vitest';
import { createLoudnessMeter, gatedLoudness, kWeighting } from './loudness-meter.js';

/** A sine of `peakDb` dBFS as 16-bit samples. */
function sine(rate: number, seconds: number, hz: number, peakDb: number, phase = 0): Int16Array {
  const a = 10 ** (peakDb / 20) * 32767;
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(a * Math.sin(2 * Math.PI * hz * (i / rate) + phase)),
  );
}

function measure(rate: number, parts: Int16Array[], truePeak = false) {
  const meter = createLoudnessMeter(rate, { truePeak });
  for (const p of parts) meter.push(p);
  return meter.result();
}

describe('BS.1770 loudness meter', () => {
  it('derives the published 48 kHz K-weighting coefficients', () => {
    const [pre, rlb] = kWeighting(48_000);
    expect(pre.b0).toBeCloseTo(1.53512485958697, 9);
    expect(pre.b1).toBeCloseTo(-2.69169618940638, 9);
    expect(pre.b2).toBeCloseTo(1.19839281085285, 9);
    expect(pre.a1).toBeCloseTo(-1.69065929318241, 9);
    expect(pre.a2).toBeCloseTo(0.73248077421585, 9);
    expect(rlb.a1).toBeCloseTo(-1.99004745483398, 9);
    expect(rlb.a2).toBeCloseTo(0.99007225036621, 9);
  });

  // EBU Tech 3341: a 1 kHz sine at −23 dBFS in both channels is −23 LUFS, so one channel is −26.01.
  it.each([48_000, 44_100, 22_050, 16_000, 8_000])('reads a 1 kHz sine at −23 dBFS as −26 LUFS at %i Hz', (rate) => {
    const r = measure(rate, [sine(rate, 5, 1000, -23)]);
    expect(r.integratedLufs).toBeCloseTo(-26.01, 1);
    expect(r.durationMs).toBe(5000);
    expect(r.samplePeakDb).toBeCloseTo(-23, 1);
  });

  it('gates out silence and passages 10 LU below the rest, whatever the chunking', () => {
    const rate = 22_050;
    const loud = sine(rate, 10, 1000, -20);
    const quiet = sine(rate, 10, 1000, -45);
    const silence = new Int16Array(rate * 10);
    const whole = measure(rate, [loud, quiet, silence]);
    expect(whole.integratedLufs).toBeCloseTo(-23.01, 1);
    const chunked = measure(rate, [loud.subarray(0, 1001), loud.subarray(1001), quiet, silence]);
    expect(chunked.integratedLufs).toBeCloseTo(whole.integratedLufs, 6);
  });

  it('calls digital silence and too-short audio −∞', () => {
    expect(measure(22_050, [new Int16Array(22_050 * 3)]).integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(measure(22_050, [sine(22_050, 0.3, 1000, -10)]).integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(gatedLoudness([])).toBe(Number.NEGATIVE_INFINITY);
  });

  it('finds the true peak between samples that the sample peak misses', () => {
    // A quarter-rate sine sampled 45° off its crest: every sample is 3 dB below the true peak.
    const rate = 22_050;
    const r = measure(rate, [sine(rate, 2, rate / 4, -6, Math.PI / 4)], true);
    expect(r.samplePeakDb).toBeCloseTo(-9.03, 1);
    expect(r.truePeakDb).toBeGreaterThan(-6.3);
    expect(r.truePeakDb).toBeLessThan(-5.8);
    expect(measure(rate, [sine(rate, 2, rate / 4, -6, Math.PI / 4)]).truePeakDb).toBeNull();
  });
});
