import { expandAbbreviations } from './vi-abbreviations.js';
import { readDatesAndTimes } from './vi-dates-times.js';
import { readQuantities } from './vi-measures.js';
import { readPhoneNumbers } from './vi-phones.js';
import { sanitizeText } from './vi-text-guard.js';

/**
 * Turns a bulletin as an operator types it into the words a voice should say. Pure and provider-
 * independent: commercial engines mangle "21/11", "0234 3822 115" and "UBND" too, just differently.
 *
 * Order matters: abbreviations first ("Covid-19" must not become a range), then phone numbers (their
 * digits must not become quantities), dates and times (their slashes and colons are not ratios), and
 * only then the general number reader.
 */

/** Spaces of every Unicode width become one ordinary space; every line break starts a paragraph. */
function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu, ' ')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Symbols a voice would either spell out by name or stumble on, replaced by words or by pauses. */
function readSymbols(text: string): string {
  return (
    text
      .replace(/^[-–—•·▪●○*+>]\s*/gmu, '')
      .replace(/\.{2,}|…/gu, '.')
      .replace(/\s*&\s*/gu, ' và ')
      .replace(/~\s*/gu, 'khoảng ')
      .replace(/https?:\/\//gu, '')
      // Web and e-mail addresses: "danang.gov.vn" is "danang chấm gov chấm vn" on air.
      .replace(/(?<=[a-z0-9])\.(?=[a-z])/gu, ' chấm ')
      .replace(/(?<=[a-z0-9])@(?=[a-z])/gu, ' a còng ')
      // A dash with a space on either side joins clauses ("kinh tế - xã hội"): a short pause.
      .replace(/\s[-–—]\s?|\s?[-–—]\s/gu, ', ')
      // Brackets emptied by earlier steps (a foreign name removed) vanish; others become pauses.
      .replace(/[([{]\s*[)\]}]/gu, ' ')
      .replace(/[()[\]{}]/gu, ', ')
      // An expanded abbreviation glued by a hyphen ("quyết định-Ủy ban nhân dân" from "QĐ-UBND").
      .replace(/(?<=\p{L})-(?=\p{Lu})/gu, ' ')
      .replace(/\s*\/\s*/gu, ', ')
      .replace(/[#*_|\\^`<>=]/gu, ' ')
  );
}

/** Pauses and spaces tidied after the replacements above stacked them up. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/ {2,}/g, ' ')
        .replace(/ +([,.;:!?])/g, '$1')
        .replace(/,(?:\s*,)+/g, ',')
        .replace(/,\s*([.;:!?])/g, '$1')
        .replace(/([;:!?.])\s*,/g, '$1')
        .replace(/([,;:!?.])(?=[\p{L}])/gu, '$1 ')
        .replace(/^[\s,;:.]+/u, '')
        .replace(/[\s,]+$/u, '')
        .trim(),
    )
    .filter((line) => /[\p{L}\p{N}]/u.test(line))
    .join('\n');
}

/**
 * The full pipeline. Throws AppError (validation_failed / unprocessable) on control characters and on
 * text mostly in a script the voice cannot read; never throws on odd but readable text.
 */
export function normalizeVietnamese(input: string): string {
  const clean = normalizeWhitespace(sanitizeText(input));
  const steps = [expandAbbreviations, readPhoneNumbers, readDatesAndTimes, readQuantities, readSymbols, tidy];
  return steps.reduce((text, step) => step(text), clean);
}
