import { readDigits } from './vi-numbers.js';

/**
 * Phone numbers are read digit by digit, in the groups they are written in, with a short pause between
 * groups: a listener has to write "0234 3822 115" down from a loudspeaker, and "không hai trăm ba mươi
 * tư…" is unusable for that.
 */

/**
 * Unformatted digit runs are grouped the way Vietnamese numbers are printed: 0912 345 678 (mobile),
 * 0234 3822 115 (landline), 3822 115 (local part).
 */
const GROUPING: Record<number, number[]> = {
  5: [2, 3],
  6: [3, 3],
  7: [4, 3],
  8: [4, 4],
  9: [3, 3, 3],
  10: [4, 3, 3],
  11: [4, 4, 3],
};

function splitLongChunk(chunk: string): string[] {
  if (chunk.length <= 4) return [chunk];
  const sizes = GROUPING[chunk.length] ?? Array.from({ length: Math.ceil(chunk.length / 3) }, () => 3);
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(chunk.slice(at, at + size));
    at += size;
  }
  return groups.filter((g) => g !== '');
}

function speakGroups(chunks: string[]): string {
  return chunks.flatMap(splitLongChunk).map(readDigits).join(', ');
}

/** 0 or +84 or (0xxx), then more digit groups separated by a space, dot or hyphen. */
const SUBSCRIBER =
  /(?<![\p{L}\p{N}.,+])(\+84[ .]?|\(0\d{2,3}\)[ .]?|0)(\d+(?:[ .-]\d{2,4}){0,3})(?![\p{L}\p{N}]|[.,]\d)/gu;

/** Vietnamese subscriber numbers have 10 digits (mobile and landline since 2018), 11 for a few landlines. */
function readSubscriber(match: string, prefix: string, rest: string): string {
  const lead = prefix.replace(/[() .]/g, '');
  const international = lead === '+84';
  const parts = rest.split(/([ .-])/);
  // A count written right after the number ("0912 345 678 12 người") is not part of it: give it back.
  let tail = '';
  const digitCount = () => parts.filter((_, i) => i % 2 === 0).join('').length + (international ? 1 : lead.length);
  while (digitCount() > 11 && parts.length > 2) tail = `${parts.splice(-2).join('')}${tail}`;
  if (digitCount() < 10 || digitCount() > 11) return match;
  const chunks = parts.filter((_, i) => i % 2 === 0);
  // "(0234) 3822 115": an area code in parentheses is a group of its own; a bare leading 0 joins the next.
  const groups =
    lead.length > 1 && !international
      ? [lead, ...chunks]
      : [`${lead === '0' ? '0' : ''}${chunks[0]}`, ...chunks.slice(1)];
  const spoken = speakGroups(groups);
  return `${international ? `cộng tám tư, ${spoken}` : spoken}${tail}`;
}

/** Nationwide hotlines: 1800 (free) and 1900 (paid) numbers. */
const HOTLINE = /(?<![\p{L}\p{N}.,])(1[89]00)[ .]?(\d{3,6})(?![\p{L}\p{N}]|[.,]\d)/gu;

/**
 * 111–115 (child protection, national rescue, police, fire, ambulance) are spelt out only where the text
 * says they are something to call: "bão số 113" does not exist, but "hơn 115 hộ" does. A list after one
 * such word ("gọi 113, 114, 115") is read the same way.
 */
const EMERGENCY =
  /((?:[Gg]ọi|[Ss]ố|[Tt]ổng đài|[Đđ]ường dây nóng|[Hh]otline|[Cc]ấp cứu|[Đđ]iện thoại|[Qq]uay|[Ll]iên hệ)(?: (?:điện|số|ngay|đến|tới|cho))*) (11[1-5](?:(?:, | và | hoặc )11[1-5])*)(?![\p{L}\p{N}/]|[.,]\d)/gu;

export function readPhoneNumbers(text: string): string {
  return text
    .replace(HOTLINE, (_m, head: string, tail: string) => speakGroups([head, tail]))
    .replace(SUBSCRIBER, readSubscriber)
    .replace(EMERGENCY, (_m, context: string, codes: string) => `${context} ${codes.replace(/\d+/g, readDigits)}`);
}
