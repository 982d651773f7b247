import { describe, expect, it } from 'vitest';
import { isKnownVoice, parseVoiceList, speedToWpm, synthesisArgs, withVariants } from './espeak-args.js';

/** Verbatim `espeak-ng --voices=vi` output from the packaged WebAssembly build. */
const VOICES_OUTPUT = [
  'Pty Language       Age/Gender VoiceName          File                 Other Languages',
  ' 5  vi              --/M      Vietnamese_(Northern) aav/vi               ',
  ' 5  vi-vn-x-central --/M      Vietnamese_(Central) aav/vi-VN-x-central  ',
  ' 5  vi-vn-x-south   --/M      Vietnamese_(Southern) aav/vi-VN-x-south    ',
];

describe('espeak args', () => {
  it('maps speed to words per minute around the base, within eSpeak’s range', () => {
    expect(speedToWpm(1)).toBe(150);
    expect(speedToWpm(0.5)).toBe(80);
    expect(speedToWpm(2)).toBe(300);
    expect(speedToWpm(1.2, 175)).toBe(210);
    expect(speedToWpm(2, 300)).toBe(450);
  });

  it('reads UTF-8 text from a file and writes a WAV', () => {
    expect(synthesisArgs('vi-vn-x-south', 150)).toEqual([
      '-b',
      '1',
      '-v',
      'vi-vn-x-south',
      '-s',
      '150',
      '-w',
      '/output.wav',
      '-f',
      '/input.txt',
    ]);
  });

  it('parses the voice list into Vietnamese-named accents', () => {
    expect(parseVoiceList(VOICES_OUTPUT)).toEqual([
      { id: 'vi', name: 'Tiếng Việt, giọng Bắc', lang: 'vi' },
      { id: 'vi-vn-x-central', name: 'Tiếng Việt, giọng Trung', lang: 'vi-vn-x-central' },
      { id: 'vi-vn-x-south', name: 'Tiếng Việt, giọng Nam', lang: 'vi-vn-x-south' },
    ]);
  });

  it('offers each accent with its variants', () => {
    const ids = withVariants(parseVoiceList(VOICES_OUTPUT)).map((v) => v.id);
    expect(ids).toContain('vi+f2');
    expect(ids).toContain('vi-vn-x-south+m3');
    expect(ids).toHaveLength(9);
  });

  it('accepts known languages with known variants only', () => {
    const languages = new Set(['vi', 'vi-vn-x-south']);
    expect(isKnownVoice('vi', languages)).toBe(true);
    expect(isKnownVoice('vi+f4', languages)).toBe(true);
    expect(isKnownVoice('vi-vn-x-south+m1', languages)).toBe(true);
    expect(isKnownVoice('en', languages)).toBe(false);
    expect(isKnownVoice('vi+zz', languages)).toBe(false);
    expect(isKnownVoice('vi+f2+f3', languages)).toBe(false);
    expect(isKnownVoice('--version', languages)).toBe(false);
  });
});
