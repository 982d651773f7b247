import type { TtsVoice } from './tts.types.js';

/**
 * Pure pieces of the eSpeak NG provider: command-line arguments, speed mapping, voice list parsing.
 * The `espeak-ng` package is the eSpeak NG command-line program compiled to WebAssembly, so it is
 * driven by argv exactly like the native `espeak-ng` binary.
 */

/** Paths inside the WebAssembly instance's in-memory file system. */
export const ESPEAK_INPUT_PATH = '/input.txt';
export const ESPEAK_OUTPUT_PATH = '/output.wav';

/**
 * Words per minute at speed 1. eSpeak's own default (175) is quick for outdoor loudspeakers, where
 * echo between poles smears fast speech; 150 is closer to how commune announcers read.
 */
export const DEFAULT_BASE_WPM = 150;

/** eSpeak NG accepts 80–450 words per minute. */
const MIN_WPM = 80;
const MAX_WPM = 450;

export function speedToWpm(speed: number, baseWpm = DEFAULT_BASE_WPM): number {
  return Math.min(MAX_WPM, Math.max(MIN_WPM, Math.round(baseWpm * speed)));
}

/** -b 1: the input file is UTF-8 (Vietnamese); -f reads it from a file so no text sits on the tiny C stack. */
export function synthesisArgs(voice: string, wpm: number): string[] {
  return ['-b', '1', '-v', voice, '-s', String(wpm), '-w', ESPEAK_OUTPUT_PATH, '-f', ESPEAK_INPUT_PATH];
}

export function voiceListArgs(language: string): string[] {
  return [`--voices=${language}`];
}

/** eSpeak variants that change the speaker's gender and timbre; appended as `vi+f2`. */
export const ESPEAK_VARIANTS: ReadonlyArray<{ id: string; label: string }> = [
  { id: 'f2', label: 'nữ' },
  { id: 'm3', label: 'nam trầm' },
];

const VARIANT_IDS = new Set(['f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);

/** Operators choose by accent; eSpeak's English names ("Vietnamese_(Northern)") are the fallback. */
const VOICE_NAMES: Record<string, string> = {
  vi: 'Tiếng Việt, giọng Bắc',
  'vi-vn-x-central': 'Tiếng Việt, giọng Trung',
  'vi-vn-x-south': 'Tiếng Việt, giọng Nam',
};

/**
 * Parses `espeak-ng --voices=vi` output:
 *   Pty Language       Age/Gender VoiceName          File                 Other Languages
 *    5  vi              --/M      Vietnamese_(Northern) aav/vi
 */
export function parseVoiceList(lines: string[]): TtsVoice[] {
  const voices: TtsVoice[] = [];
  for (const line of lines) {
    const match = /^\s*\d+\s+(\S+)\s+\S+\s+(\S+)\s+\S+/.exec(line);
    if (!match) continue;
    const [, lang = '', name = ''] = match;
    voices.push({ id: lang, name: VOICE_NAMES[lang] ?? name.replaceAll('_', ' '), lang });
  }
  return voices;
}

/** The voices offered to operators: each Vietnamese accent, plain and with the variants above. */
export function withVariants(voices: TtsVoice[]): TtsVoice[] {
  return voices.flatMap((v) => [
    v,
    ...ESPEAK_VARIANTS.map((variant) => ({
      id: `${v.id}+${variant.id}`,
      name: `${v.name}, ${variant.label}`,
      lang: v.lang,
    })),
  ]);
}

/**
 * A voice is a known language id, optionally with a known variant. Checked before it reaches eSpeak so a
 * typo is a clear "unknown voice" rather than a silent fallback or a cryptic engine error.
 */
export function isKnownVoice(voice: string, languages: ReadonlySet<string>): boolean {
  const [lang = '', variant, ...rest] = voice.split('+');
  if (rest.length > 0 || !languages.has(lang)) return false;
  return variant === undefined || VARIANT_IDS.has(variant);
}
