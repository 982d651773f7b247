import { ttsError } from './tts.types.js';

/**
 * First pass over operator text: one Unicode form, no invisible or pictographic characters, and a clear
 * refusal when the text is not in a script the Vietnamese voice can read (it would otherwise be spelt
 * out as noise on every loudspeaker in the commune).
 */

/** C0/C1 controls other than tab, line feed and carriage return, which are ordinary layout. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** Emoji and their glue (variation selectors, joiners, skin tones, keycaps, flags): silently dropped. */
const PICTOGRAPHIC =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\uFE0E|\uFE0F|\u20E3|\u200D/gu;

/** Invisible format characters pasted from word processors and web pages (BOM, zero-width, bidi). */
const INVISIBLE = /[\u00AD\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

/** Scripts worth naming in an error; anything else non-Latin is reported as "non-Latin". */
const NAMED_SCRIPTS: Array<[name: string, pattern: RegExp]> = [
  ['Chinese (Han)', /\p{Script=Han}/u],
  ['Japanese kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Korean (Hangul)', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Lao', /\p{Script=Lao}/u],
  ['Khmer', /\p{Script=Khmer}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Tai Viet', /\p{Script=Tai_Viet}/u],
  ['Cham', /\p{Script=Cham}/u],
];

/** Above this share of non-Latin letters the text is "in another language", not "with a foreign name". */
const MAX_FOREIGN_SHARE = 0.2;

function scriptName(ch: string): string {
  return NAMED_SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'non-Latin';
}

function rejectControls(text: string): void {
  const match = CONTROL.exec(text);
  if (!match) return;
  const code = match[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
  throw ttsError(
    'validation_failed',
    'control_character',
    `Text contains the control character U+${code} at position ${match.index}; remove it and try again`,
    { position: match.index, codePoint: `U+${code}` },
  );
}

function checkScripts(text: string): string {
  const letters = text.match(/\p{L}/gu) ?? [];
  const foreign = letters.filter((ch) => !/\p{Script=Latin}/u.test(ch));
  if (foreign.length === 0) return text;
  const counts = new Map<string, number>();
  for (const ch of foreign) counts.set(scriptName(ch), (counts.get(scriptName(ch)) ?? 0) + 1);
  const [main = 'non-Latin'] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (foreign.length / letters.length > MAX_FOREIGN_SHARE) {
    throw ttsError(
      'unprocessable',
      'unsupported_script',
      `Text is mostly in ${main} script (${foreign.length} of ${letters.length} letters); ` +
        'the voice reads Vietnamese written in Latin letters only',
      { script: main, foreignLetters: foreign.length, letters: letters.length },
    );
  }
  // A few foreign letters (a name in Chinese characters beside its Vietnamese reading) are left out
  // rather than spelt as code points.
  return text.replace(/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]+/gu, ' ');
}

/** NFC, emoji and invisible characters removed, controls and foreign scripts refused with a reason. */
export function sanitizeText(input: string): string {
  const nfc = input.normalize('NFC');
  rejectControls(nfc);
  // Unicode line and paragraph separators come from some editors; they mean a new paragraph here.
  const visible = nfc
    .replace(PICTOGRAPHIC, '')
    .replace(INVISIBLE, '')
    .replace(/[\u2028\u2029]/gu, '\n');
  return checkScripts(visible);
}
