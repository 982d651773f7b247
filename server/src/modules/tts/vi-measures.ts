import { parseRoman, readInteger, readMonth, readNumberToken, readOrdinal } from './vi-numbers.js';

/**
 * Quantities: units after numbers, ranges, ratios, Roman numerals in their usual places, and finally
 * every number left in the text.
 */

/** Longest first within a family: "km/h" before "km", "m3/s" before "m3" before "m". */
const UNITS: Array<[written: string, spoken: string]> = [
  ['km/h', 'ki-lô-mét trên giờ'],
  ['km/giờ', 'ki-lô-mét trên giờ'],
  ['m3/s', 'mét khối trên giây'],
  ['m³/s', 'mét khối trên giây'],
  ['m/s', 'mét trên giây'],
  ['mm/h', 'mi-li-mét trên giờ'],
  ['km2', 'ki-lô-mét vuông'],
  ['km²', 'ki-lô-mét vuông'],
  ['m2', 'mét vuông'],
  ['m²', 'mét vuông'],
  ['m3', 'mét khối'],
  ['m³', 'mét khối'],
  ['km', 'ki-lô-mét'],
  ['cm', 'xen-ti-mét'],
  ['mm', 'mi-li-mét'],
  ['m', 'mét'],
  ['ha', 'héc-ta'],
  ['kg', 'ki-lô-gam'],
  ['mg', 'mi-li-gam'],
  ['ml', 'mi-li-lít'],
  ['kWh', 'ki-lô-oát giờ'],
  ['kW', 'ki-lô-oát'],
  ['MW', 'mê-ga-oát'],
  ['kV', 'ki-lô-vôn'],
  ['°C', 'độ xê'],
  ['ºC', 'độ xê'],
  ['oC', 'độ xê'],
  ['%', 'phần trăm'],
  ['VNĐ', 'đồng'],
  ['VND', 'đồng'],
  ['đ', 'đồng'],
  ['USD', 'đô la Mỹ'],
];

const UNIT_WORDS = new Map(UNITS);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const UNIT_ALTERNATION = UNITS.map(([w]) => escapeRegExp(w)).join('|');

/** What a price or rate is per: "50.000đ/kg" is "năm mươi nghìn đồng một ki-lô-gam". */
const PER = 'người|tháng|ngày|năm|giờ|con|hộ|lít|tấn|suất|lượt|chiếc|cái';

/** "/kg", "/người/tháng": what a quantity or price is per. */
const PER_CHAIN = `((?:\\s?/\\s?(?:${UNIT_ALTERNATION}|${PER}))*)`;

/** A unit counts only right after a number, and only as a whole token ("5 m" yes, "5 mẫu" no). */
const UNIT_AFTER_NUMBER = new RegExp(`(?<=\\d)\\s?(${UNIT_ALTERNATION})${PER_CHAIN}(?![\\p{L}\\p{N}])`, 'gu');

/** "2 triệu đồng/người/tháng": after money written as a word, each slash is "một". */
const PER_AFTER_MONEY = new RegExp(`(?<![\\p{L}])(đồng|đô la)${PER_CHAIN}(?![\\p{L}\\p{N}])`, 'gu');

/** "/người/tháng" → " một người một tháng", units spelt out ("/kg" → " một ki-lô-gam"). */
function readPer(chain: string): string {
  return chain
    .split('/')
    .slice(1)
    .map((per) => ` một ${UNIT_WORDS.get(per.trim()) ?? per.trim()}`)
    .join('');
}

/** "độ C" is read "độ xê" wherever it stands; the voice would otherwise say the English letter. */
const DEGREE_C = /(?<![\p{L}\p{N}])độ C(?![\p{L}\p{N}])/gu;

function readUnits(text: string): string {
  return text
    .replace(UNIT_AFTER_NUMBER, (_m, unit: string, per: string) => ` ${UNIT_WORDS.get(unit) ?? unit}${readPer(per)}`)
    .replace(PER_AFTER_MONEY, (_m, money: string, per: string) => `${money}${readPer(per)}`)
    .replace(DEGREE_C, 'độ xê');
}

/** One written number: 1.000.000, 16,5, 24. */
const NUMBER = String.raw`(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?`;

/** "3-5 mm", "118-133 km/h", "2021 – 2025": the dash between two numbers means "đến". */
const RANGE = new RegExp(String.raw`(?<![\p{L}\p{N}.,-])(${NUMBER})\s?[-–—]\s?(?=${NUMBER}(?![\p{N}]))`, 'gu');

/** "22/22 đơn vị", "141/312 xã", "49/2024": the slash between numbers that are not a date is "trên". */
const RATIO = /(?<=\d)\/(?=\d)/gu;

/**
 * Roman numerals are read only after the words that take them in bulletins ("Quý IV", "bão cấp XII",
 * "Khóa XV", "Đại hội XIII", "lần thứ IX"), so the letters I, V, X, C, D, M elsewhere stay letters.
 */
const ROMAN_CONTEXT =
  /(?<![\p{L}])([Qq]uý|[Cc]ấp|[Kk]hóa|[Kk]hoá|[Tt]hế kỷ|[Tt]hế kỉ|[Đđ]ại hội|[Hh]ội nghị Trung ương|[Tt]hứ|[Pp]hần|[Cc]hương|[Đđ]ợt|[Vv]òng) ([IVXLCDM]+)(?![\p{L}\p{N}])/gu;

function readRomanInContext(match: string, word: string, roman: string): string {
  const value = parseRoman(roman);
  if (value === undefined) return match;
  const digits = String(value);
  return `${word} ${/^[Tt]hứ$/.test(word) ? readOrdinal(digits) : readInteger(digits)}`;
}

/** "thứ 4" is "thứ tư" and "thứ 1" "thứ nhất"; "tháng 4" is "tháng tư". */
const ORDINAL = /(?<![\p{L}])([Tt]hứ) (\d{1,3})(?![\p{N}]|[.,/-]\d)/gu;
/** …but "mỗi tháng 4 lần" is a count of times, so "tháng" followed by a counted noun is left as a number. */
const MONTH =
  /(?<![\p{L}])([Tt]háng) (\d{1,2})(?![\p{N}]|[.,/-]\d|\s+(?:lần|lượt|đợt|buổi|ngày|người|hộ|ca|kỳ)(?![\p{L}]))/gu;

/** A minus sign before a number, at the start or after a space or bracket: "-3 độ". */
const NEGATIVE = /(^|[\s([{“"'])[-−](?=\d)/gu;

/** Dots that do not group thousands ("4.0", "1.5") are spoken as "chấm", never as a sentence end. */
const DOTTED = /(?<![\p{N}.,])(\d+)\.(\d{1,2}|\d{4,})(?![\p{N}]|[.,]\d)/gu;

const ANY_NUMBER = new RegExp(String.raw`(?<![\p{N}])${NUMBER}(?![\p{N}])`, 'gu');

function readNumbers(text: string): string {
  return text
    .replace(NEGATIVE, '$1âm ')
    .replace(DOTTED, (_m, a: string, b: string) => `${readInteger(a)} chấm ${readInteger(b)}`)
    .replace(ANY_NUMBER, (token) => ` ${readNumberToken(token) ?? token} `)
    .replace(/\d+/g, (digits) => ` ${readInteger(digits)} `);
}

/** "Quý IV/2023", "quý 4/2023": a quarter of a year, not a ratio. */
const QUARTER = /(?<![\p{L}])([Qq]uý) ([IV]+|[1-4])\/(\d{4})(?![\p{N}])/gu;

export function readQuantities(text: string): string {
  const withRoman = text.replace(QUARTER, '$1 $2 năm $3').replace(ROMAN_CONTEXT, readRomanInContext);
  const withOrdinals = withRoman
    .replace(ORDINAL, (_m, word: string, n: string) => `${word} ${readOrdinal(n)}`)
    .replace(MONTH, (m, word: string, n: string) =>
      Number(n) >= 1 && Number(n) <= 12 ? `${word} ${readMonth(Number(n))}` : m,
    );
  const withRanges = withOrdinals.replace(RANGE, '$1 đến ').replace(RATIO, ' trên ');
  return readNumbers(readUnits(withRanges));
}
