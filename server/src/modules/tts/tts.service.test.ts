import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { createEspeakProvider } from './espeak.provider.js';
import { createTtsService, type TtsProgress } from './tts.service.js';
import type { SynthesizeOptions, TtsProvider } from './tts.types.js';
import { encodeWav, parseWav } from './wav.js';

const log = pino({ level: 'silent' });
const RATE = 16000;

/** A provider that "speaks" 10 ms per character, so durations are predictable, and records its calls. */
function fakeWavProvider(id = 'fake') {
  const calls: Array<{ text: string; opts: SynthesizeOptions }> = [];
  let running = 0;
  const state = { peak: 0, calls, gate: undefined as Promise<void> | undefined };
  const provider: TtsProvider = {
    id,
    defaultVoice: 'giong-1',
    format: 'wav',
    async voices() {
      return [{ id: 'giong-1', name: 'Giọng một', lang: 'vi' }];
    },
    async synthesize(text, opts) {
      calls.push({ text, opts });
      running++;
      state.peak = Math.max(state.peak, running);
      await (state.gate ?? new Promise((r) => setTimeout(r, 5)));
      running--;
      opts.signal?.throwIfAborted();
      const samples = Buffer.alloc(Math.round((RATE * text.length * 10) / 1000) * 2, 0x11);
      return { audio: encodeWav({ sampleRate: RATE, channels: 1, samples }), format: 'wav', sampleRate: RATE };
    },
  };
  return { provider, state };
}

describe('TTS service', () => {
  it('normalises, synthesises sentence by sentence and joins with pauses', async () => {
    const { provider, state } = fakeWavProvider();
    const tts = createTtsService({
      providers: [provider],
      defaultProvider: 'fake',
      log,
      split: { sentencePauseMs: 350, paragraphPauseMs: 700 },
    });
    const progress: TtsProgress[] = [];
    const result = await tts.synthesize(
      { text: 'Bão số 3. Gió cấp 12.\nUBND xã thông báo.' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.normalizedText).toBe('Bão số ba. Gió cấp mười hai.\nỦy ban nhân dân xã thông báo.');
    expect(state.calls.map((c) => c.text)).toEqual([
      'Bão số ba.',
      'Gió cấp mười hai.',
      'Ủy ban nhân dân xã thông báo.',
    ]);
    expect(state.calls[0]?.opts).toMatchObject({ voice: 'giong-1', speed: 1 });
    const speechMs = (10 + 17 + 29) * 10;
    expect(result).toMatchObject({
      format: 'wav',
      sampleRate: RATE,
      durationMs: speechMs + 350 + 700,
      provider: 'fake',
      voice: 'giong-1',
    });
    expect(parseWav(result.audio).sampleRate).toBe(RATE);
    expect(progress).toEqual([
      { done: 0, total: 3 },
      { done: 1, total: 3 },
      { done: 2, total: 3 },
      { done: 3, total: 3 },
    ]);
  });

  it('runs at most two pieces at once', async () => {
    const { provider, state } = fakeWavProvider();
    const tts = createTtsService({ providers: [provider], defaultProvider: 'fake', log, concurrency: 5 });
    await tts.synthesize({ text: 'Một. Hai. Ba. Bốn. Năm. Sáu.' });
    expect(state.peak).toBe(2);
  });

  it('cancels between pieces and stops calling the provider', async () => {
    const { provider, state } = fakeWavProvider();
    const tts = createTtsService({ providers: [provider], defaultProvider: 'fake', log, concurrency: 1 });
    const controller = new AbortController();
    const run = tts.synthesize(
      { text: 'Một. Hai. Ba. Bốn. Năm. Sáu.' },
      {
        signal: controller.signal,
        onProgress: (p) => p.done === 2 && controller.abort(new Error('operator cancelled')),
      },
    );
    await expect(run).rejects.toThrow('operator cancelled');
    expect(state.calls.length).toBeLessThanOrEqual(3);
  });

  it('passes voice and speed through, and validates them', async () => {
    const { provider, state } = fakeWavProvider();
    const tts = createTtsService({ providers: [provider], defaultProvider: 'fake', log });
    await tts.synthesize({ text: 'Xin chào.', voice: 'giong-2', speed: 1.25 });
    expect(state.calls[0]?.opts).toMatchObject({ voice: 'giong-2', speed: 1.25 });
    await expect(tts.synthesize({ text: 'Xin chào.', speed: 3 })).rejects.toMatchObject({
      details: { reason: 'bad_speed' },
    });
  });

  it.each([
    ['empty text', '  \n ', 'empty_text'],
    ['text over the limit', 'a'.repeat(101), 'text_too_long'],
    ['nothing but emoji', '🎉🎉 👍', 'nothing_to_read'],
    ['mostly Thai', 'ประกาศเตือนภัยพายุลูกที่สาม', 'unsupported_script'],
  ])('refuses %s with a clear reason', async (_label, text, reason) => {
    const { provider, state } = fakeWavProvider();
    const tts = createTtsService({ providers: [provider], defaultProvider: 'fake', log, maxChars: 100 });
    const err = await tts.synthesize({ text }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).details).toMatchObject({ reason });
    expect(state.calls).toHaveLength(0);
  });

  it('refuses an unknown provider and lists voices of every provider', async () => {
    const a = fakeWavProvider('a').provider;
    const b = fakeWavProvider('b').provider;
    const tts = createTtsService({ providers: [a, b], defaultProvider: 'a', log });
    await expect(tts.synthesize({ text: 'Xin chào.', provider: 'c' })).rejects.toMatchObject({
      details: { reason: 'unknown_provider' },
    });
    expect((await tts.voices()).map((v) => `${v.provider}:${v.id}`)).toEqual(['a:giong-1', 'b:giong-1']);
    expect(() => createTtsService({ providers: [a], defaultProvider: 'zz', log })).toThrow(/not configured/);
  });

  it('sends compressed-audio providers as few requests as their limit allows', async () => {
    const texts: string[] = [];
    const mp3: TtsProvider = {
      id: 'mp3',
      format: 'mp3',
      maxChars: 40,
      voices: async () => [{ id: 'v', name: 'v', lang: 'vi' }],
      async synthesize(text) {
        texts.push(text);
        return { audio: Buffer.from([0xff, 0xfb, 0x90, 0x64, texts.length]), format: 'mp3' };
      },
    };
    const tts = createTtsService({ providers: [mp3], defaultProvider: 'mp3', log });
    const result = await tts.synthesize({ text: 'Câu một. Câu hai. Câu ba. Câu bốn. Câu năm. Câu sáu.' });
    expect(texts).toEqual(['Câu một. Câu hai. Câu ba. Câu bốn.', 'Câu năm. Câu sáu.']);
    expect(result.format).toBe('mp3');
    expect(result.audio).toHaveLength(10);
  });
});

describe('TTS service with the real eSpeak provider', () => {
  const espeak = createEspeakProvider();
  afterAll(() => espeak.close?.());

  it('reads a two-paragraph bulletin into one WAV with pauses', async () => {
    const tts = createTtsService({ providers: [espeak], defaultProvider: 'espeak', log });
    const progress: TtsProgress[] = [];
    const result = await tts.synthesize(
      {
        text: 'THÔNG BÁO\nUBND xã thông báo: từ 14h ngày 21/11, bão số 3 gây gió mạnh cấp 8, giật cấp 10. Đề nghị bà con neo đậu tàu thuyền an toàn.',
        voice: 'vi-vn-x-central',
      },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.format).toBe('wav');
    expect(result.normalizedText).toContain('mười bốn giờ ngày hai mươi mốt tháng mười một');
    expect(progress.at(-1)).toEqual({ done: 3, total: 3 });
    expect(result.durationMs).toBeGreaterThan(5000);
    expect(parseWav(result.audio).sampleRate).toBe(result.sampleRate);
  });
});
