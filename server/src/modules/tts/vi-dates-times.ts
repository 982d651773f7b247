import { readInteger, readMonth } from './vi-numbers.js';

/**
 * Dates and clock times as announcers read them: "21/11/2026" → "ngày hai mươi mốt tháng mười một năm
 * hai nghìn không trăm hai mươi sáu", "14h30" → "mười bốn giờ ba mươi phút".
 */

const isDay = (d: number) => d >= 1 && d <= 31;
const isMonth = (m: number) => m >= 1 && m <= 12;

/** "ngày" is added unless the text already says it ("Ngày 25/11/2022" keeps its own word and case). */
function dayWords(prefix: string | undefined, day: string): string {
  return `${prefix ?? 'ngày '}${readInteger(day)}`;
}

/** d/m/yyyy, d-m-yyyy and d.m.yyyy, the separators matching each other. */
const FULL_DATE = /(?<![\p{L}\p{N}.,/-])([Nn]gày\s+)?(\d{1,2})([/.-])(\d{1,2})\3(\d{4})(?![\p{N}/]|[.,-]\d)/gu;

function readFullDate(match: string, prefix: string | undefined, d: string, _sep: string, m: string, y: string) {
  if (!isDay(Number(d)) || !isMonth(Number(m))) return match;
  return `${dayWords(prefix, d)} tháng ${readMonth(Number(m))} năm ${readInteger(y)}`;
}

/** "tháng 11/2023" and "(11/2023)": month and year. */
const MONTH_YEAR = /(?<![\p{L}\p{N}.,/-]|[Ss]ố\s|[Qq]uý\s)([Tt]háng\s+)?(\d{1,2})\/(\d{4})(?![\p{N}/]|[.,-]\d)/gu;

function readMonthYear(match: string, prefix: string | undefined, m: string, y: string) {
  const year = Number(y);
  if (!isMonth(Number(m)) || year < 1900 || year > 2199) return match;
  return `${prefix ?? 'tháng '}${readMonth(Number(m))} năm ${readInteger(y)}`;
}

/**
 * Counts written with a slash are ratios, not dates: "5/10 xã hoàn thành" is five of ten communes.
 * The nouns that follow such counts in bulletins decide it.
 */
const COUNT_NOUNS =
  'xã|phường|thị trấn|huyện|quận|tỉnh|thôn|bản|ấp|tổ|hộ|người|đơn vị|trường|cơ sở|học sinh|thành viên|điểm|câu|tiêu chí|chỉ tiêu';

/** d/m always; d-m only after "ngày", because elsewhere "6-59" is a range. */
const DAY_MONTH = new RegExp(
  `(?<![\\p{L}\\p{N}.,/-]|[Ss]ố\\s)(?:([Nn]gày\\s+)(\\d{1,2})[/-](\\d{1,2})|(\\d{1,2})/(\\d{1,2}))` +
    `(?![\\p{N}/]|[.,-]\\d|\\s+(?:${COUNT_NOUNS})(?![\\p{L}]))`,
  'gu',
);

function readDayMonth(match: string, ...groups: Array<string | undefined>) {
  const [prefix, d1, m1, d2, m2] = groups;
  const day = d1 ?? d2 ?? '';
  const month = m1 ?? m2 ?? '';
  if (!isDay(Number(day)) || !isMonth(Number(month))) return match;
  return `${dayWords(prefix, day)} tháng ${readMonth(Number(month))}`;
}

/** 14h30, 14g30, 14:30, 14:30:15, 7h05; the minutes must have two digits. */
const CLOCK = /(?<![\p{L}\p{N}.,:])(\d{1,2})\s?(?:[hg]|:)\s?(\d{2})(?::(\d{2}))?(?![\p{L}\p{N}]|[.,:]\d)/gu;

function readClock(match: string, h: string, m: string, s: string | undefined) {
  const hour = Number(h);
  const minute = Number(m);
  if (hour > 24 || minute > 59 || (s !== undefined && Number(s) > 59)) return match;
  // "14h00" is "mười bốn giờ"; nobody says "không phút".
  const words = [`${readInteger(h)} giờ`];
  if (minute > 0 || (s !== undefined && Number(s) > 0)) words.push(`${readInteger(m)} phút`);
  if (s !== undefined && Number(s) > 0) words.push(`${readInteger(s)} giây`);
  return words.join(' ');
}

/** "7h sáng", "16h": an hour on its own. */
const HOUR_ONLY = /(?<![\p{L}\p{N}.,:])(\d{1,2})h(?![\p{L}\p{N}])/gu;

/** "21-23/11": the first day of a range of days in one month; the second becomes a full date below. */
const DAY_RANGE = /(?<![\p{L}\p{N}.,/-])([Nn]gày\s+)?(\d{1,2})\s?[-–]\s?(?=\d{1,2}\/\d{1,2}(?![\p{N}]))/gu;

/** "21/11-23/11" and "10h30-11h30": a dash between two dates or two times is "đến". */
const DATE_TO_DATE = /(?<=(?<![\p{N}])\d{1,2}\/\d{1,2}(?:\/\d{4})?)\s?[-–]\s?(?=\d{1,2}\/\d{1,2}(?![\p{N}]))/gu;
const TIME_TO_TIME = /(?<=(?<![\p{N}])\d{1,2}(?:\s?[hg:]\s?\d{2}|h))\s?[-–]\s?(?=\d{1,2}\s?[hg:])/gu;

function readRanges(text: string): string {
  return text
    .replace(DATE_TO_DATE, ' đến ')
    .replace(TIME_TO_TIME, ' đến ')
    .replace(DAY_RANGE, (match, prefix: string | undefined, d: string) =>
      isDay(Number(d)) ? `${dayWords(prefix, d)} đến ` : match,
    );
}

export function readDatesAndTimes(text: string): string {
  return readRanges(text)
    .replace(FULL_DATE, readFullDate)
    .replace(MONTH_YEAR, readMonthYear)
    .replace(DAY_MONTH, readDayMonth)
    .replace(CLOCK, readClock)
    .replace(HOUR_ONLY, (match, h: string) => (Number(h) <= 24 ? `${readInteger(h)} giờ` : match));
}
