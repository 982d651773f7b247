import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrlFor } from './config.js';

describe('loadConfig', () => {
  it('has working defaults and returns a frozen object', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.mqtt.port).toBe(1884);
    expect(c.media.loudnessLufs).toBe(-16);
    expect(c.media.bitrateK).toBe(64);
    expect(Object.isFrozen(c.media)).toBe(true);
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
