import { describe, expect, it } from 'vitest';
import { packSegments, splitIntoSegments, splitLongSentence, splitSentences } from './sentences.js';

describe('splitSentences', () => {
  it('splits at full stops, question and exclamation marks before a capital', () => {
    expect(splitSentences('Bão số ba đã mạnh lên. Bà con chú ý! Tàu thuyền đã về bến chưa? Xin cảm ơn.')).toEqual([
      'Bão số ba đã mạnh lên.',
      'Bà con chú ý!',
      'Tàu thuyền đã về bến chưa?',
      'Xin cảm ơn.',
    ]);
  });

  it('keeps a closing quote with its sentence and does not split before a lower-case word', () => {
    expect(splitSentences('Ông nói: “Phải sơ tán ngay.” Người dân đồng ý. Gạo, muối, vân vân. còn đủ.')).toEqual([
      'Ông nói: “Phải sơ tán ngay.”',
      'Người dân đồng ý.',
      'Gạo, muối, vân vân. còn đủ.',
    ]);
  });
});

describe('splitLongSentence', () => {
  it('leaves a short sentence whole', () => {
    expect(splitLongSentence('Xin chào bà con.', 200)).toEqual(['Xin chào bà con.']);
  });

  it('prefers semicolons, then commas, then spaces, never exceeding the limit', () => {
    const sentence = 'phần một dài dài; phần hai, có dấu phẩy, và thêm nữa cho đủ dài';
    const pieces = splitLongSentence(sentence, 30);
    expect(pieces[0]).toBe('phần một dài dài;');
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(30);
    expect(pieces.join(' ')).toBe(sentence);
  });

  it('cuts a sentence with no punctuation at word boundaries', () => {
    const words = Array.from({ length: 100 }, (_, i) => `từ${i}`).join(' ');
    const pieces = splitLongSentence(words, 50);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.every((p) => p.length <= 50 && !p.startsWith(' '))).toBe(true);
    expect(pieces.join(' ')).toBe(words);
  });
});

describe('splitIntoSegments', () => {
  it('puts sentence and paragraph pauses after each piece and none after the last', () => {
    const segments = splitIntoSegments('Câu một. Câu hai.\nĐoạn hai.', { sentencePauseMs: 350, paragraphPauseMs: 700 });
    expect(segments).toEqual([
      { text: 'Câu một.', pauseAfterMs: 350 },
      { text: 'Câu hai.', pauseAfterMs: 700 },
      { text: 'Đoạn hai.', pauseAfterMs: 0 },
    ]);
  });

  it('splits a long sentence into clauses with a shorter breath between them', () => {
    const long = `${'Mưa lớn kéo dài, '.repeat(20)}đề nghị bà con chú ý.`;
    const segments = splitIntoSegments(`${long} Hết.`, { maxChars: 100, clausePauseMs: 150, sentencePauseMs: 350 });
    expect(segments.length).toBeGreaterThan(3);
    expect(segments.every((s) => s.text.length <= 100)).toBe(true);
    expect(segments.at(-2)?.pauseAfterMs).toBe(350);
    expect(segments.slice(0, -2).every((s) => s.pauseAfterMs === 150)).toBe(true);
  });

  it('returns nothing for blank text', () => {
    expect(splitIntoSegments(' \n\n ')).toEqual([]);
  });
});

describe('packSegments', () => {
  it('packs sentences into as few requests as the limit allows, ending paragraphs with a full stop', () => {
    const segments = splitIntoSegments('THÔNG BÁO\nCâu một. Câu hai. Câu ba.');
    expect(packSegments(segments, 1000)).toEqual([{ text: 'THÔNG BÁO. Câu một. Câu hai. Câu ba.', pauseAfterMs: 0 }]);
    const small = packSegments(segments, 20);
    expect(small.map((s) => s.text)).toEqual(['THÔNG BÁO. Câu một.', 'Câu hai. Câu ba.']);
  });
});
