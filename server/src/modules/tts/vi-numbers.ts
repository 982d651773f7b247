/**
 * Vietnamese number reading, as a commune announcer says it on air (northern standard, which national
 * broadcasting uses: "nghìn" rather than "ngàn", "linh" rather than "lẻ").
 */

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/** Digit run longer than this is an identifier (account, serial), not a quantity: read digit by digit. */
const MAX_QUANTITY_DIGITS = 18;

function digitWord(d: number): string {
  return DIGIT_WORDS[d] ?? '';
}

/** The units digit changes its word after a tens digit: 21 "mốt", 15 "lăm", 24 "tư"; 11 stays "một". */
function unitsWord(units: number, tens: number): string {
  if (units === 1 && tens >= 2) return 'mốt';
  if (units === 5 && tens >= 1) return 'lăm';
  if (units === 4 && tens >= 2) return 'tư';
  return digitWord(units);
}

/**
 * One group of three digits. `full` means a higher group precedes, so every place is spoken:
 * 1.005 is "một nghìn không trăm linh năm", never "một nghìn linh năm".
 */
function readGroup(value: number, full: boolean): string[] {
  const hundreds = Math.floor(value / 100);
  const tens = Math.floor(value / 10) % 10;
  const units = value % 10;
  const words: string[] = [];
  const hasHundreds = hundreds > 0 || full;
  if (hasHundreds) words.push(digitWord(hundreds), 'trăm');
  if (tens === 0) {
    if (units > 0 && hasHundreds) words.push('linh', digitWord(units));
    else if (units > 0) words.push(digitWord(units));
    return words;
  }
  words.push(...(tens === 1 ? ['mười'] : [digitWord(tens), 'mươi']));
  if (units > 0) words.push(unitsWord(units, tens));
  return words;
}

/** Up to nine digits (below one tỷ); `full` as for readGroup, for the part after "tỷ". */
function readBelowBillion(digits: string, full: boolean): string[] {
  const padded = digits.padStart(9, '0');
  const groups = [Number(padded.slice(0, 3)), Number(padded.slice(3, 6)), Number(padded.slice(6, 9))];
  const scales = ['triệu', 'nghìn', ''];
  const words: string[] = [];
  let spoken = full;
  groups.forEach((group, i) => {
    if (group === 0) return;
    words.push(...readGroup(group, spoken));
    const scale = scales[i];
    if (scale) words.push(scale);
    spoken = true;
  });
  return words;
}

function readDigitString(digits: string): string[] {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (/^0+$/.test(trimmed)) return ['không'];
  if (trimmed.length <= 9) return readBelowBillion(trimmed, false);
  // Above a billion the higher part is itself read as a number: 1.500 tỷ = "một nghìn năm trăm tỷ".
  const high = trimmed.slice(0, -9);
  const low = trimmed.slice(-9);
  const words = [...readDigitString(high), 'tỷ'];
  if (/[1-9]/.test(low)) words.push(...readBelowBillion(low, true));
  return words;
}

/** Reads a run of ASCII digits as a whole number ("105" → "một trăm linh năm"). */
export function readInteger(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new RangeError(`not a digit string: ${digits}`);
  if (digits.replace(/^0+/, '').length > MAX_QUANTITY_DIGITS) return readDigits(digits);
  return readDigitString(digits).join(' ');
}

/** Reads each digit on its own, as for phone numbers and codes ("115" → "một một năm"). */
export function readDigits(digits: string): string {
  return [...digits].map((d) => digitWord(Number(d))).join(' ');
}

/**
 * A decimal written the Vietnamese way ("3,5" → "ba phẩy năm"). A short fraction is read as a number
 * ("3,25" → "ba phẩy hai mươi lăm"); a long one, or one with a leading zero, digit by digit, since
 * "0,05" read as "không phẩy năm" would change the value.
 */
export function readDecimal(integerPart: string, fraction: string): string {
  const frac = fraction.length <= 2 && !fraction.startsWith('0') ? readInteger(fraction) : readDigits(fraction);
  return `${readInteger(integerPart)} phẩy ${frac}`;
}

/**
 * A number token as written in Vietnamese text: "1.000.000" (dots group thousands), "16,5" (comma is
 * the decimal mark), "-3". Returns undefined for anything else so callers can leave it alone.
 */
export function readNumberToken(token: string): string | undefined {
  const match = /^([-−]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$/.exec(token);
  if (!match) return undefined;
  const [, sign, integerPart = '', fraction] = match;
  const digits = integerPart.replaceAll('.', '');
  const words = fraction ? readDecimal(digits, fraction) : readInteger(digits);
  return sign ? `âm ${words}` : words;
}

/** After "thứ" the first and fourth take Sino-Vietnamese forms: "thứ nhất", "thứ tư". */
export function readOrdinal(digits: string): string {
  const n = Number(digits);
  if (n === 1) return 'nhất';
  if (n === 4) return 'tư';
  return readInteger(digits);
}

/** Month names: April is "tháng tư", not "tháng bốn"; the rest are plain numbers. */
export function readMonth(month: number): string {
  return month === 4 ? 'tư' : readInteger(String(month));
}

const ROMAN = /^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const ROMAN_VALUES: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };

/** The value of a well-formed Roman numeral (I–MMMCMXCIX), or undefined. */
export function parseRoman(text: string): number | undefined {
  if (text === '' || !ROMAN.test(text)) return undefined;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const value = ROMAN_VALUES[text[i] ?? ''] ?? 0;
    const next = ROMAN_VALUES[text[i + 1] ?? ''] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}
