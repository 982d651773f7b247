import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Secret } from './secret.js';
import { checkTtsEnv, DEFAULT_BODY_TEMPLATE, loadTtsConfig, TtsEnvSchema, ttsConfigFromEnv } from './tts.config.js';

describe('TTS config from the environment', () => {
  it('defaults to the offline eSpeak provider with nothing set', () => {
    expect(loadTtsConfig({})).toEqual({
      defaultProvider: 'espeak',
      maxChars: 20_000,
      espeak: { baseWpm: 150, workers: 2 },
    });
  });

  it('maps every NGUON_TTS_HTTP_* variable', () => {
    const config = loadTtsConfig({
      NGUON_TTS_HTTP_URL: 'https://api.example.vn/v1/tts',
      NGUON_TTS_HTTP_AUTH_HEADER: 'api-key',
      NGUON_TTS_HTTP_AUTH_VALUE: 'sk-live-secret',
      NGUON_TTS_HTTP_HEADERS: '{"x-api-version":"2"}',
      NGUON_TTS_HTTP_VOICE: 'banmai',
      NGUON_TTS_HTTP_VOICES: 'banmai, lannhi,leminh',
      NGUON_TTS_HTTP_SPEED: '0.9',
      NGUON_TTS_HTTP_SPEED_RANGE: '-3,0,3',
      NGUON_TTS_HTTP_BODY: '{"input":"{text}","voice":"{voice}"}',
      NGUON_TTS_HTTP_RESPONSE: 'json-url:async',
      NGUON_TTS_HTTP_FORMAT: 'mp3',
      NGUON_TTS_HTTP_TIMEOUT_MS: '15000',
      NGUON_TTS_HTTP_RETRIES: '4',
      NGUON_TTS_HTTP_MAX_CHARS: '5000',
    });
    expect(config.defaultProvider).toBe('http');
    expect(config.http).toMatchObject({
      url: 'https://api.example.vn/v1/tts',
      auth: { header: 'api-key' },
      headers: { 'x-api-version': '2' },
      voice: 'banmai',
      voices: ['banmai', 'lannhi', 'leminh'],
      speed: 0.9,
      speedRange: { min: -3, normal: 0, max: 3 },
      bodyTemplate: '{"input":"{text}","voice":"{voice}"}',
      response: { type: 'json-url', field: 'async' },
      format: 'mp3',
      timeoutMs: 15_000,
      retries: 4,
      maxChars: 5000,
    });
    expect(config.http?.auth?.value.reveal()).toBe('sk-live-secret');
  });

  it('uses sensible HTTP defaults', () => {
    const config = loadTtsConfig({ NGUON_TTS_HTTP_URL: 'http://tts.local:8080/speak' });
    expect(config.http).toMatchObject({
      bodyTemplate: DEFAULT_BODY_TEMPLATE,
      response: { type: 'raw' },
      format: 'wav',
      retries: 2,
    });
    expect(config.http?.auth).toBeUndefined();
  });

  it('lists every problem at once', () => {
    const attempt = () =>
      loadTtsConfig({
        NGUON_TTS_HTTP_URL: 'ftp://nope',
        NGUON_TTS_HTTP_BODY: '{"voice":"{voice}"}',
        NGUON_TTS_HTTP_RESPONSE: 'xml',
        NGUON_TTS_HTTP_RETRIES: '99',
      });
    expect(attempt).toThrow(/NGUON_TTS_HTTP_URL/);
    expect(attempt).toThrow(/\{text\} placeholder/);
    expect(attempt).toThrow(/NGUON_TTS_HTTP_RESPONSE/);
    expect(attempt).toThrow(/NGUON_TTS_HTTP_RETRIES/);
  });

  it('checks variables that only make sense together', () => {
    const env = TtsEnvSchema.parse({
      NGUON_TTS_DEFAULT_PROVIDER: 'http',
      NGUON_TTS_HTTP_AUTH_HEADER: 'api-key',
      NGUON_TTS_HTTP_HEADERS: '[1,2]',
      NGUON_TTS_HTTP_SPEED_RANGE: '3,0,-3',
    });
    expect(checkTtsEnv(env)).toEqual([
      expect.stringContaining('needs NGUON_TTS_HTTP_URL'),
      expect.stringContaining('must be set together'),
      expect.stringContaining('NGUON_TTS_HTTP_HEADERS'),
      expect.stringContaining('NGUON_TTS_HTTP_SPEED_RANGE'),
    ]);
  });

  it('is a pure function of the parsed env', () => {
    const env = TtsEnvSchema.parse({ NGUON_TTS_ESPEAK_WPM: '170' });
    expect(ttsConfigFromEnv(env)).toEqual(ttsConfigFromEnv(env));
    expect(ttsConfigFromEnv(env).espeak.baseWpm).toBe(170);
  });
});

describe('Secret', () => {
  it('never shows its value in JSON, strings, inspect or pino logs', () => {
    const config = loadTtsConfig({
      NGUON_TTS_HTTP_URL: 'https://api.example.vn/tts',
      NGUON_TTS_HTTP_AUTH_HEADER: 'api-key',
      NGUON_TTS_HTTP_AUTH_VALUE: 'sk-live-secret',
    });
    let logged = '';
    const log = pino(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logged += chunk.toString();
          done();
        },
      }),
    );
    log.info({ config }, 'config loaded');
    expect(logged).toContain('[redacted]');
    for (const shown of [
      logged,
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${config.http?.auth?.value}`,
    ]) {
      expect(shown).not.toContain('sk-live-secret');
    }
    expect(new Secret('x').reveal()).toBe('x');
  });
});
