/**
 * Cuts normalised text into pieces a voice can say in one breath, and decides the silence after each:
 * engines handle a sentence well but drift in pitch and pace over long paragraphs, and a loudspeaker
 * audience needs clear pauses between sentences (issue 4 item 3).
 */

export interface SpeechSegment {
  text: string;
  /** Silence to insert after this piece; 0 after the last one. */
  pauseAfterMs: number;
}

export interface SplitOptions {
  /** A sentence longer than this is cut at semicolons, then commas, then spaces. */
  maxChars?: number;
  sentencePauseMs?: number;
  paragraphPauseMs?: number;
  /** After a piece cut from inside a long sentence: a breath, shorter than a full stop. */
  clausePauseMs?: number;
}

const DEFAULTS = { maxChars: 200, sentencePauseMs: 350, paragraphPauseMs: 700, clausePauseMs: 150 };

/**
 * A sentence ends at . ! ? (with any closing quote or bracket) followed by a space and a capital letter
 * or a quote. Normalised text has no digits left, so decimal points cannot end a sentence by mistake;
 * a full stop before a lower-case word (an initial, a leftover abbreviation) does not either.
 */
const SENTENCE_END = /(?<=[.!?][”"’')\]]*)\s+(?=[\p{Lu}“"‘'(])/u;

export function splitSentences(paragraph: string): string[] {
  return paragraph
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Splits at the last of `separators` that leaves a head no longer than max; undefined if none does. */
function cutAt(text: string, max: number, separators: RegExp): [string, string] | undefined {
  let best = -1;
  for (const match of text.matchAll(separators)) {
    const end = match.index + match[0].length;
    if (end > max) break;
    best = end;
  }
  if (best <= 0) return undefined;
  return [text.slice(0, best).trim(), text.slice(best).trim()];
}

/** Long sentences into clauses: at ; or : first, then at commas, then at the last space that fits. */
export function splitLongSentence(sentence: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const cut = cutAt(rest, max, /[;:]\s/g) ?? cutAt(rest, max, /,\s/g) ?? cutAt(rest, max, /\s/g);
    if (!cut) {
      // One "word" longer than max (a pasted URL): cutting it would not help the voice.
      break;
    }
    const [head, tail] = cut;
    pieces.push(head);
    rest = tail;
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

/** Every line is a paragraph; the result is in reading order with its pauses. */
export function splitIntoSegments(text: string, options: SplitOptions = {}): SpeechSegment[] {
  const o = { ...DEFAULTS, ...options };
  const segments: SpeechSegment[] = [];
  const paragraphs = text.split(/\n+/).filter((p) => p.trim() !== '');
  for (const paragraph of paragraphs) {
    for (const sentence of splitSentences(paragraph)) {
      const pieces = splitLongSentence(sentence, o.maxChars);
      pieces.forEach((piece, i) => {
        segments.push({ text: piece, pauseAfterMs: i < pieces.length - 1 ? o.clausePauseMs : o.sentencePauseMs });
      });
    }
    const last = segments.at(-1);
    if (last) last.pauseAfterMs = o.paragraphPauseMs;
  }
  const final = segments.at(-1);
  if (final) final.pauseAfterMs = 0;
  return segments;
}

/**
 * For providers that return compressed audio (no cutting or padding without decoding): as few requests
 * as possible, each at most maxChars, on sentence boundaries. Paragraph ends get a full stop so the
 * engine pauses there itself.
 */
export function packSegments(segments: SpeechSegment[], maxChars: number): SpeechSegment[] {
  const packs: SpeechSegment[] = [];
  let current = '';
  for (const segment of segments) {
    const piece = segment.pauseAfterMs > 0 && !/[.!?;:,]$/u.test(segment.text) ? `${segment.text}.` : segment.text;
    if (current !== '' && current.length + 1 + piece.length > maxChars) {
      packs.push({ text: current, pauseAfterMs: 0 });
      current = piece;
    } else {
      current = current === '' ? piece : `${current} ${piece}`;
    }
  }
  if (current !== '') packs.push({ text: current, pauseAfterMs: 0 });
  return packs;
}
