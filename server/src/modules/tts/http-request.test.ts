import { describe, expect, it } from 'vitest';
import {
  classifyStatus,
  decodeBase64Audio,
  errorExcerpt,
  formatFromContentType,
  mapSpeed,
  readField,
  renderBody,
  retryDelayMs,
} from './http-request.js';

describe('renderBody', () => {
  it('fills placeholders inside JSON strings and makes a lone {speed} a number', () => {
    const body = renderBody('{"input":{"text":"{text}"},"voice":"{voice}","speed":"{speed}","label":"v={voice}"}', {
      text: 'Bão số 3',
      voice: 'banmai',
      speed: 1.2,
    });
    expect(JSON.parse(body)).toEqual({ input: { text: 'Bão số 3' }, voice: 'banmai', speed: 1.2, label: 'v=banmai' });
  });

  it('cannot be broken by quotes, backslashes or newlines in the bulletin', () => {
    const text = 'Ông nói: "Sơ tán ngay"\\ \n}, "voice": "hacked';
    const body = renderBody('{"text":"{text}","voice":"{voice}"}', { text, voice: 'v', speed: 1 });
    expect(JSON.parse(body)).toEqual({ text, voice: 'v' });
  });

  it('keeps numbers, booleans, nulls and arrays of the template', () => {
    const body = renderBody('{"a":[1,"{text}"],"b":true,"c":null}', { text: 'x', voice: '', speed: 1 });
    expect(JSON.parse(body)).toEqual({ a: [1, 'x'], b: true, c: null });
  });
});

describe('mapSpeed', () => {
  it('maps 0.5 / 1 / 2 onto the provider’s min / normal / max', () => {
    const fpt = { min: -3, normal: 0, max: 3 };
    expect(mapSpeed(0.5, fpt)).toBe(-3);
    expect(mapSpeed(1, fpt)).toBe(0);
    expect(mapSpeed(2, fpt)).toBe(3);
    expect(mapSpeed(1.5, fpt)).toBe(1.5);
    const viettel = { min: 0.7, normal: 1, max: 1.3 };
    expect(mapSpeed(0.75, viettel)).toBe(0.85);
    expect(mapSpeed(5, viettel)).toBe(1.3);
  });
});

describe('response reading', () => {
  it('reads dotted and indexed field paths', () => {
    const body = { data: { items: [{ url: 'a' }, { url: 'b' }] }, audioContent: 'x' };
    expect(readField(body, 'audioContent')).toBe('x');
    expect(readField(body, 'data.items[1].url')).toBe('b');
    expect(readField(body, 'data.missing.url')).toBeUndefined();
  });

  it('decodes base64 with or without a data: URI prefix, and refuses non-base64', () => {
    const wav = Buffer.from('RIFF....WAVE');
    expect(decodeBase64Audio(wav.toString('base64'))).toEqual(wav);
    expect(decodeBase64Audio(`data:audio/wav;base64,${wav.toString('base64')}`)).toEqual(wav);
    expect(decodeBase64Audio('not base64!')).toBeUndefined();
    expect(decodeBase64Audio(42)).toBeUndefined();
  });

  it('names formats from content types', () => {
    expect(formatFromContentType('audio/mpeg')).toBe('mp3');
    expect(formatFromContentType('audio/x-wav; charset=binary')).toBe('wav');
    expect(formatFromContentType('application/octet-stream')).toBeUndefined();
    expect(formatFromContentType(null)).toBeUndefined();
  });
});

describe('retry policy', () => {
  it('retries 5xx, 429 and 408 only', () => {
    expect(classifyStatus(200)).toBe('ok');
    expect(classifyStatus(503)).toBe('retry');
    expect(classifyStatus(429)).toBe('retry');
    expect(classifyStatus(408)).toBe('retry');
    expect(classifyStatus(401)).toBe('auth');
    expect(classifyStatus(403)).toBe('auth');
    expect(classifyStatus(400)).toBe('reject');
    expect(classifyStatus(422)).toBe('reject');
  });

  it('backs off exponentially with jitter, or honours Retry-After', () => {
    expect(retryDelayMs(0, 500, null, () => 0)).toBe(250);
    expect(retryDelayMs(2, 500, null, () => 1)).toBe(2000);
    expect(retryDelayMs(3, 500, '2', () => 1)).toBe(2000);
    expect(retryDelayMs(0, 500, '3600', () => 1)).toBe(60_000);
  });

  it('scrubs an echoed credential from error excerpts and keeps them short', () => {
    expect(errorExcerpt('{"error":"bad key sk-123"}\n', 'sk-123')).toBe('{"error":"bad key [redacted]"}');
    expect(errorExcerpt('x'.repeat(500), undefined)).toHaveLength(201);
  });
});
