/**
 * ITU-R BS.1770-4 loudness (EBU R128 gated integrated loudness) and true peak of mono 16-bit PCM,
 * measured in-process. Why not ffmpeg's `ebur128`: it forces 48 kHz, costs about 1.3 s of CPU per ten
 * minutes of audio, and the pipeline measures twice (the source, then the stored MP3 to verify it) —
 * together more than the whole budget for 100× realtime (issue 4). Here both take a few tens of ms.
 */
import { createReadStream } from 'node:fs';

export interface Loudness {
  /** Gated integrated loudness in LUFS; -Infinity when no 400 ms block passes the absolute gate. */
  integratedLufs: number;
  samplePeakDb: number;
  /** Only when asked for (the 4× oversampled peak costs more than the loudness itself). */
  truePeakDb: number | null;
  samples: number;
  durationMs: number;
}

export interface LoudnessMeter {
  push(samples: Int16Array): void;
  result(): Loudness;
}

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * The two K-weighting stages (high-shelf "pre-filter" and RLB high-pass) for any sample rate, derived
 * from their analogue prototypes as libebur128 does; at 48 kHz they equal BS.1770's published tables.
 */
export function kWeighting(rate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / rate);
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const pre = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + k / q + k * k;
  const rlb = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [pre, rlb];
}

const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const energyToLufs = (e: number) => -0.691 + 10 * Math.log10(e);
const toDb = (linear: number) => 20 * Math.log10(linear);

/** Gating over 400 ms blocks overlapping by 75 %, from the mean squares of consecutive 100 ms sub-blocks. */
export function gatedLoudness(subBlocks: readonly number[]): number {
  const blocks: number[] = [];
  for (let i = 3; i < subBlocks.length; i++) {
    blocks.push((subBlocks[i - 3]! + subBlocks[i - 2]! + subBlocks[i - 1]! + subBlocks[i]!) / 4);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const audible = blocks.filter((e) => energyToLufs(e) > ABSOLUTE_GATE_LUFS);
  if (audible.length === 0) return Number.NEGATIVE_INFINITY;
  const relative = energyToLufs(mean(audible)) + RELATIVE_GATE_LU;
  const gated = audible.filter((e) => energyToLufs(e) > relative);
  return energyToLufs(mean(gated));
}

/**
 * 4× polyphase interpolator (Hann-windowed sinc, 12 taps a phase), as BS.1770-4 Annex 2 suggests;
 * `coeffs[phase * SPAN + k]` weighs the sample k steps back. All four phases of output n fall between
 * samples n−6 and n−5 (the CENTRE taps), which carry most of the weight.
 */
function interpolator() {
  const taps = FACTOR * SPAN;
  const coeffs = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  for (let j = 0; j < taps; j++) {
    const m = (j - mid) / FACTOR;
    const sinc = Math.abs(m) < 1e-9 ? 1 : Math.sin(Math.PI * m) / (Math.PI * m);
    const hann = 0.5 * (1 - Math.cos((2 * Math.PI * (j + 0.5)) / taps));
    coeffs[(j % FACTOR) * SPAN + Math.floor(j / FACTOR)] = sinc * hann;
  }
  // Bounds on |output| from the magnitudes of the inputs: whole window, centre pair, and the rest.
  let overshoot = 0;
  let centre = 0;
  let rest = 0;
  for (let ph = 0; ph < FACTOR; ph++) {
    const w = (k: number) => Math.abs(coeffs[ph * SPAN + k]!);
    let all = 0;
    for (let k = 0; k < SPAN; k++) all += w(k);
    overshoot = Math.max(overshoot, all);
    centre = Math.max(centre, w(CENTRE) + w(CENTRE + 1));
    rest = Math.max(rest, all - w(CENTRE) - w(CENTRE + 1));
  }
  return { coeffs, overshoot, centre, rest };
}

const FACTOR = 4;
const SPAN = 12;
const CENTRE = 5;

/**
 * Tracks the true peak. Interpolating every sample would cost more than the rest of the measurement,
 * so a block whose largest sample cannot beat the peak so far (or the sample peak, a lower bound of
 * the result) is skipped, and within a block so is every output whose centre pair and block maximum
 * bound it below that. The bounds are exact, so the result is the same as interpolating everything.
 */
function createTruePeak() {
  const { coeffs: h, overshoot, centre, rest } = interpolator();
  let peak = 0;
  const BLOCK = 32;
  const interpolate = (buf: Float64Array, n: number) => {
    for (let ph = 0; ph < FACTOR * SPAN; ph += SPAN) {
      let y = 0;
      for (let k = 0; k < SPAN; k++) y += h[ph + k]! * buf[n - k]!;
      if (y > peak) peak = y;
      else if (-y > peak) peak = -y;
    }
  };
  // Reused between chunks: the history (last SPAN − 1 samples) followed by the chunk.
  let buf = new Float64Array(SPAN - 1);
  return {
    push(x: Float64Array, samplePeak: number) {
      const keep = SPAN - 1;
      if (buf.length < keep + x.length) {
        const grown = new Float64Array(keep + x.length);
        grown.set(buf.subarray(0, keep));
        buf = grown;
      }
      buf.set(x, keep);
      const end = keep + x.length;
      for (let start = keep; start < end; start += BLOCK) {
        const stop = Math.min(end, start + BLOCK);
        let max = 0;
        for (let i = start - keep; i < stop; i++) {
          const a = Math.abs(buf[i]!);
          if (a > max) max = a;
        }
        let floor = Math.max(peak, samplePeak);
        if (max * overshoot <= floor) continue;
        for (let n = start; n < stop; n++) {
          const pair = Math.max(Math.abs(buf[n - CENTRE]!), Math.abs(buf[n - CENTRE - 1]!));
          if (centre * pair + rest * max <= floor) continue;
          interpolate(buf, n);
          floor = Math.max(peak, samplePeak);
        }
      }
      buf.copyWithin(0, end - keep, end);
    },
    get peak() {
      return peak;
    },
  };
}

export function createLoudnessMeter(sampleRate: number, opts: { truePeak?: boolean } = {}): LoudnessMeter {
  const [p, r] = kWeighting(sampleRate);
  const subBlock = Math.round(sampleRate / 10);
  const subBlocks: number[] = [];
  const truePeak = opts.truePeak ? createTruePeak() : null;
  // Filter state, sub-block accumulator and peak live in one typed array: the hot loop copies them into
  // locals, which V8 keeps in registers, and writes them back once per chunk.
  const st = new Float64Array(9);
  let scratch = new Float64Array(0);
  let total = 0;

  return {
    push(samples) {
      const { b0, b1, b2, a1, a2 } = p;
      const [c1, c2] = [r.a1, r.a2];
      let [x1, x2, y1, y2, z1, z2, acc, inBlock, peak] = st;
      if (scratch.length < samples.length) scratch = new Float64Array(samples.length);
      const x = scratch.subarray(0, samples.length);
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i]! / 32768;
        x[i] = v;
        const a = v < 0 ? -v : v;
        if (a > peak!) peak = a;
        // A signal-free ±1e-20 keeps the filters' state out of subnormal numbers in long silences.
        const xi = v + (i & 1 ? 1e-20 : -1e-20);
        const y = b0 * xi + b1 * x1! + b2 * x2! - a1 * y1! - a2 * y2!;
        const z = y - 2 * y1! + y2! - c1 * z1! - c2 * z2!;
        x2 = x1;
        x1 = xi;
        y2 = y1;
        y1 = y;
        z2 = z1;
        z1 = z;
        acc = acc! + z * z;
        inBlock = inBlock! + 1;
        if (inBlock === subBlock) {
          subBlocks.push(acc / subBlock);
          acc = 0;
          inBlock = 0;
        }
      }
      st.set([x1!, x2!, y1!, y2!, z1!, z2!, acc!, inBlock!, peak!]);
      total += samples.length;
      truePeak?.push(x, peak!);
    },
    result() {
      const samplePeak = st[8]!;
      return {
        integratedLufs: gatedLoudness(subBlocks),
        samplePeakDb: toDb(samplePeak),
        truePeakDb: truePeak ? toDb(Math.max(truePeak.peak, samplePeak)) : null,
        samples: total,
        durationMs: Math.round((total / sampleRate) * 1000),
      };
    },
  };
}

/** Measures a raw s16le mono file (the pipeline's intermediate, or a decoded MP3). */
export async function measurePcmFile(file: string, sampleRate: number, opts: { truePeak?: boolean } = {}) {
  const meter = createLoudnessMeter(sampleRate, opts);
  let carry: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const usable = bytes.length - (bytes.length % 2);
    carry = usable < bytes.length ? bytes.subarray(usable) : null;
    // Int16Array needs an even byte offset; a fresh Uint8Array starts at offset 0.
    const aligned = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
    meter.push(new Int16Array(aligned.buffer, aligned.byteOffset, usable / 2));
  }
  return meter.result();
}
