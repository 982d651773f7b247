import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrlFor } from './config.js';

describe('loadConfig', () => {
  it('has working defaults and returns a frozen object', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.mqtt.port).toBe(1884);
    expect(c.media.loudnessLufs).toBe(-16);
    expect(c.media.bitrateK).toBe(64);
    expect(c.media.sampleRate).toBe(22_050);
    expect(c.media.unitQuotaBytes).toBe(2048 * 1024 * 1024);
    expect(c.jobs.concurrency).toBeUndefined();
    expect(Object.isFrozen(c.media)).toBe(true);
  });

  it('reads the broadcast sample rate, job concurrency and unit quota', () => {
    const c = loadConfig({ NGUON_AUDIO_SAMPLE_RATE: '44100', NGUON_JOB_CONCURRENCY: '3', NGUON_UNIT_QUOTA_MB: '0.5' });
    expect([c.media.sampleRate, c.jobs.concurrency, c.media.unitQuotaBytes]).toEqual([44_100, 3, 524_288]);
    expect(() => loadConfig({ NGUON_AUDIO_SAMPLE_RATE: '22000' })).toThrow(/NGUON_AUDIO_SAMPLE_RATE/);
    expect(() => loadConfig({ NGUON_JOB_CONCURRENCY: '0' })).toThrow(/NGUON_JOB_CONCURRENCY/);
  });

  it('refuses an MP3 bitrate the sample rate cannot carry', () => {
    expect(() => loadConfig({ NGUON_AUDIO_BITRATE_K: '192' })).toThrow(/at most 160 kb\/s at 22050 Hz/);
    expect(loadConfig({ NGUON_AUDIO_BITRATE_K: '192', NGUON_AUDIO_SAMPLE_RATE: '44100' }).media.bitrateK).toBe(192);
  });

  it('lists every problem at once', () => {
    let err: unknown;
    try {
      loadConfig({
        NGUON_HTTP_PORT: 'eighty',
        NGUON_MQTT_PORT: '70000',
        NGUON_MQTT_URL: 'http://broker',
        NGUON_LOUDNESS_LUFS: '3',
        NGUON_ADMIN_PASSWORD: 'short',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of [
      'NGUON_HTTP_PORT',
      'NGUON_MQTT_PORT',
      'NGUON_MQTT_URL',
      'NGUON_LOUDNESS_LUFS',
      'NGUON_ADMIN_PASSWORD',
    ])
      expect(problems).toContain(key);
  });

  it('ignores unrelated and empty variables', () => {
    expect(loadConfig({ PATH: '/bin', NGUON_HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('derives the public URL from the bound port unless one is configured', () => {
    expect(publicUrlFor(loadConfig({}).http, 4321)).toBe('http://127.0.0.1:4321');
    expect(publicUrlFor(loadConfig({ NGUON_PUBLIC_URL: 'https://nguon.example.vn/' }).http, 1)).toBe(
      'https://nguon.example.vn',
    );
  });
});
