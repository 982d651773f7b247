import { describe, expect, it } from 'vitest';
import {
  parseRoman,
  readDecimal,
  readDigits,
  readInteger,
  readMonth,
  readNumberToken,
  readOrdinal,
} from './vi-numbers.js';

describe('readInteger', () => {
  it.each([
    ['0', 'không'],
    ['5', 'năm'],
    ['10', 'mười'],
    ['11', 'mười một'],
    ['14', 'mười bốn'],
    ['15', 'mười lăm'],
    ['20', 'hai mươi'],
    ['21', 'hai mươi mốt'],
    ['24', 'hai mươi tư'],
    ['25', 'hai mươi lăm'],
    ['55', 'năm mươi lăm'],
    ['59', 'năm mươi chín'],
    ['100', 'một trăm'],
    ['101', 'một trăm linh một'],
    ['104', 'một trăm linh bốn'],
    ['105', 'một trăm linh năm'],
    ['110', 'một trăm mười'],
    ['112', 'một trăm mười hai'],
    ['115', 'một trăm mười lăm'],
    ['118', 'một trăm mười tám'],
    ['133', 'một trăm ba mươi ba'],
    ['300', 'ba trăm'],
    ['1000', 'một nghìn'],
    ['1005', 'một nghìn không trăm linh năm'],
    ['1050', 'một nghìn không trăm năm mươi'],
    ['1500', 'một nghìn năm trăm'],
    ['2015', 'hai nghìn không trăm mười lăm'],
    ['2024', 'hai nghìn không trăm hai mươi tư'],
    ['2026', 'hai nghìn không trăm hai mươi sáu'],
    ['10000', 'mười nghìn'],
    ['27000', 'hai mươi bảy nghìn'],
    ['1000000', 'một triệu'],
    ['2000500', 'hai triệu năm trăm'],
    ['2005000', 'hai triệu không trăm linh năm nghìn'],
    ['9210285', 'chín triệu hai trăm mười nghìn hai trăm tám mươi lăm'],
    ['1000000000', 'một tỷ'],
    ['1000000005', 'một tỷ không trăm linh năm'],
    ['1500000000000', 'một nghìn năm trăm tỷ'],
    ['007', 'bảy'],
    ['000', 'không'],
  ])('%s → %s', (digits, words) => {
    expect(readInteger(digits)).toBe(words);
  });

  it('reads identifier-length digit runs digit by digit', () => {
    expect(readInteger('1234567890123456789')).toBe(
      'một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu bảy tám chín',
    );
  });

  it('refuses anything but digits', () => {
    expect(() => readInteger('12a')).toThrow(RangeError);
  });
});

describe('readNumberToken', () => {
  it.each([
    ['1.000.000', 'một triệu'],
    ['2.015', 'hai nghìn không trăm mười lăm'],
    ['3,5', 'ba phẩy năm'],
    ['16,5', 'mười sáu phẩy năm'],
    ['112,3', 'một trăm mười hai phẩy ba'],
    ['0,05', 'không phẩy không năm'],
    ['3,25', 'ba phẩy hai mươi lăm'],
    ['3,125', 'ba phẩy một hai năm'],
    ['-3', 'âm ba'],
    ['−2,5', 'âm hai phẩy năm'],
    ['1.234,5', 'một nghìn hai trăm ba mươi tư phẩy năm'],
  ])('%s → %s', (token, words) => {
    expect(readNumberToken(token)).toBe(words);
  });

  it.each(['1.5', '12.34.567', 'abc', '', '1,'])('leaves %s alone', (token) => {
    expect(readNumberToken(token)).toBeUndefined();
  });
});

describe('digits, decimals, ordinals, months', () => {
  it('reads digits one by one', () => {
    expect(readDigits('0912')).toBe('không chín một hai');
    expect(readDigits('115')).toBe('một một năm');
  });

  it('reads decimals', () => {
    expect(readDecimal('0', '5')).toBe('không phẩy năm');
  });

  it('uses nhất and tư after thứ', () => {
    expect(readOrdinal('1')).toBe('nhất');
    expect(readOrdinal('2')).toBe('hai');
    expect(readOrdinal('4')).toBe('tư');
    expect(readOrdinal('14')).toBe('mười bốn');
  });

  it('calls April tháng tư', () => {
    expect(readMonth(4)).toBe('tư');
    expect(readMonth(9)).toBe('chín');
    expect(readMonth(11)).toBe('mười một');
  });
});

describe('parseRoman', () => {
  it.each([
    ['I', 1],
    ['IV', 4],
    ['IX', 9],
    ['XII', 12],
    ['XIII', 13],
    ['XV', 15],
    ['XXI', 21],
    ['MCMXLV', 1945],
  ])('%s = %i', (roman, value) => {
    expect(parseRoman(roman)).toBe(value);
  });

  it.each(['', 'IIII', 'VX', 'IC', 'ABC', 'iv'])('rejects %s', (text) => {
    expect(parseRoman(text)).toBeUndefined();
  });
});
