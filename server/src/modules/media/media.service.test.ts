import { describe, expect, it } from 'vitest';
import { cleanOriginalName } from './media.service.js';

describe('cleanOriginalName', () => {
  it('keeps a Vietnamese display name and drops paths and control characters', () => {
    expect(cleanOriginalName('Bản tin sáng 21-11.wav')).toBe('Bản tin sáng 21-11.wav');
    expect(cleanOriginalName('C:\\Users\\xa\\Desktop\\thong-bao.mp3')).toBe('thong-bao.mp3');
    expect(cleanOriginalName('../../etc/passwd')).toBe('passwd');
    expect(cleanOriginalName('a\u0000b\nc.ogg')).toBe('abc.ogg');
  });

  it('falls back to a placeholder and bounds the length', () => {
    expect(cleanOriginalName('')).toBe('upload');
    expect(cleanOriginalName('dir/')).toBe('upload');
    expect(cleanOriginalName(`${'x'.repeat(300)}.wav`)).toHaveLength(255);
  });
});
