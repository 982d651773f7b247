import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { createEspeakProvider } from './espeak.provider.js';
import { parseWav, pcmDurationMs } from './wav.js';

/** The real eSpeak NG WebAssembly build on real worker threads: the offline path must work out of the box. */
describe('eSpeak provider', () => {
  const provider = createEspeakProvider({ size: 2 });
  afterAll(() => provider.close?.());

  it('lists the Vietnamese accents eSpeak ships', async () => {
    const ids = (await provider.voices()).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['vi', 'vi-vn-x-central', 'vi-vn-x-south', 'vi+f2']));
  });

  it('speaks a Vietnamese sentence as PCM16 mono WAV', async () => {
    const out = await provider.synthesize('Ủy ban nhân dân xã thông báo lịch tiêm vắc-xin cho trẻ em.', {
      voice: 'vi',
      speed: 1,
    });
    expect(out.format).toBe('wav');
    const pcm = parseWav(out.audio);
    expect(pcm).toMatchObject({ channels: 1, sampleRate: out.sampleRate });
    expect(pcmDurationMs(pcm)).toBeGreaterThan(1500);
    // Not silence: eSpeak really produced speech.
    let peak = 0;
    for (let i = 0; i < pcm.samples.length; i += 2) peak = Math.max(peak, Math.abs(pcm.samples.readInt16LE(i)));
    expect(peak).toBeGreaterThan(1000);
  });

  it('speaks faster at a higher speed', async () => {
    const text = 'Bà con lưu ý, mưa lớn sẽ kéo dài đến hết ngày mai.';
    const [slow, fast] = await Promise.all([
      provider.synthesize(text, { voice: 'vi-vn-x-south', speed: 0.75 }),
      provider.synthesize(text, { voice: 'vi-vn-x-south', speed: 1.5 }),
    ]);
    expect(pcmDurationMs(parseWav(fast.audio))).toBeLessThan(pcmDurationMs(parseWav(slow.audio)) * 0.7);
  });

  it('keeps the event loop free while synthesising a long text', async () => {
    const text = 'Đề nghị bà con chủ động phòng tránh bão, gia cố nhà cửa và di dời đến nơi an toàn. '.repeat(40);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    await provider.synthesize(text, { voice: 'vi', speed: 1 });
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // A blocked loop would tick once at the end; a free one ticks throughout.
    expect(ticks).toBeGreaterThan(Math.min(10, elapsed / 40));
  });

  it('cancels a running synthesis by stopping its worker, then keeps working', async () => {
    const controller = new AbortController();
    const long = provider.synthesize('Xin chào bà con cô bác. '.repeat(400), {
      voice: 'vi',
      speed: 1,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('operator cancelled')), 20);
    await expect(long).rejects.toThrow('operator cancelled');
    const after = await provider.synthesize('Xin chào.', { voice: 'vi', speed: 1 });
    expect(parseWav(after.audio).samples.length).toBeGreaterThan(0);
  });

  it('refuses an unknown voice clearly', async () => {
    const attempt = provider.synthesize('Xin chào.', { voice: 'vi+evil', speed: 1 });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ details: { reason: 'unknown_voice' } });
  });
});
