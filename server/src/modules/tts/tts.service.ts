import type { Logger } from 'pino';
import { type AudioPart, joinAudio } from './audio-join.js';
import { runBounded } from './run-bounded.js';
import { packSegments, type SpeechSegment, type SplitOptions, splitIntoSegments } from './sentences.js';
import { type AudioFormat, type TtsProvider, type TtsVoice, ttsError } from './tts.types.js';
import { normalizeVietnamese } from './vi-normalize.js';

export interface TtsRequest {
  text: string;
  voice?: string;
  /** 0.5–2.0, 1 = normal. */
  speed?: number;
  provider?: string;
}

export interface TtsProgress {
  done: number;
  total: number;
}

export interface TtsRunOptions {
  onProgress?: (progress: TtsProgress) => void;
  signal?: AbortSignal;
}

export interface TtsResult {
  /** WAV (PCM16 mono) from eSpeak or a WAV provider; otherwise the provider's format, to be transcoded. */
  audio: Buffer;
  format: AudioFormat;
  durationMs?: number;
  sampleRate?: number;
  /** Exactly what was read, for the operator to check ("21/11" → "ngày hai mươi mốt tháng mười một"). */
  normalizedText: string;
  provider: string;
  voice: string;
  speed: number;
}

export interface TtsService {
  synthesize(request: TtsRequest, options?: TtsRunOptions): Promise<TtsResult>;
  /** Every provider's voices, for the console's voice picker. */
  voices(): Promise<Array<TtsVoice & { provider: string }>>;
  /** The text as it will be read, without synthesising (a preview for the operator). */
  normalize(text: string): string;
}

export interface TtsServiceDeps {
  providers: TtsProvider[];
  defaultProvider: string;
  log: Logger;
  /** Input limit in characters (before normalisation). */
  maxChars?: number;
  /** Pieces synthesised at once: 1–2 keeps a small server responsive while a bulletin renders. */
  concurrency?: number;
  split?: SplitOptions;
}

export const DEFAULT_MAX_CHARS = 20_000;

function checkText(text: string, maxChars: number): void {
  if (text.trim() === '') throw ttsError('validation_failed', 'empty_text', 'Text is empty: there is nothing to read');
  if (text.length > maxChars) {
    throw ttsError(
      'validation_failed',
      'text_too_long',
      `Text has ${text.length} characters; at most ${maxChars} can be read in one bulletin — split it`,
      { length: text.length, maxChars },
    );
  }
}

function checkSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < 0.5 || speed > 2) {
    throw ttsError('validation_failed', 'bad_speed', `Speed must be between 0.5 and 2 (1 = normal), got ${speed}`);
  }
}

/** WAV providers get one sentence per request so the service controls pauses and progress. */
function plan(provider: TtsProvider, text: string, split: SplitOptions): SpeechSegment[] {
  const maxChars = Math.min(split.maxChars ?? 200, provider.maxChars ?? Number.POSITIVE_INFINITY);
  const segments = splitIntoSegments(text, { ...split, maxChars });
  if ((provider.format ?? 'wav') === 'wav') return segments;
  return packSegments(segments, provider.maxChars ?? 1000);
}

function join(parts: AudioPart[]) {
  try {
    return joinAudio(parts);
  } catch (err) {
    throw ttsError('unavailable', 'bad_audio', `Could not join the synthesised audio: ${(err as Error).message}`);
  }
}

export function createTtsService(deps: TtsServiceDeps): TtsService {
  const { log, maxChars = DEFAULT_MAX_CHARS, concurrency = 2, split = {} } = deps;
  const byId = new Map(deps.providers.map((p) => [p.id, p]));
  if (!byId.has(deps.defaultProvider))
    throw new Error(`default TTS provider "${deps.defaultProvider}" is not configured`);

  const pick = (id = deps.defaultProvider): TtsProvider => {
    const provider = byId.get(id);
    if (provider) return provider;
    throw ttsError('validation_failed', 'unknown_provider', `No TTS provider "${id}"`, { providers: [...byId.keys()] });
  };

  const normalize = (text: string): string => {
    checkText(text, maxChars);
    const normalized = normalizeVietnamese(text);
    if (!/\p{L}/u.test(normalized)) {
      throw ttsError('validation_failed', 'nothing_to_read', 'Text has no words left to read once symbols are removed');
    }
    return normalized;
  };

  const synthesize = async (request: TtsRequest, options: TtsRunOptions = {}): Promise<TtsResult> => {
    const { onProgress, signal } = options;
    const provider = pick(request.provider);
    const normalizedText = normalize(request.text);
    const speed = request.speed ?? provider.defaultSpeed ?? 1;
    checkSpeed(speed);
    const voice = request.voice || provider.defaultVoice || (await provider.voices())[0]?.id || '';
    const segments = plan(provider, normalizedText, split);
    const started = performance.now();
    let done = 0;
    onProgress?.({ done, total: segments.length });
    const parts = await runBounded(
      segments,
      Math.max(1, Math.min(2, concurrency)),
      async (segment, _i, innerSignal): Promise<AudioPart> => {
        const out = await provider.synthesize(segment.text, { voice, speed, signal: innerSignal });
        onProgress?.({ done: ++done, total: segments.length });
        return { audio: out.audio, format: out.format, pauseAfterMs: segment.pauseAfterMs };
      },
      signal,
    );
    const joined = join(parts);
    log.info(
      {
        provider: provider.id,
        voice,
        chars: request.text.length,
        segments: segments.length,
        ms: Math.round(performance.now() - started),
        audioMs: joined.durationMs,
      },
      'tts synthesised',
    );
    return { ...joined, normalizedText, provider: provider.id, voice, speed };
  };

  const voices = async () => {
    const lists = await Promise.all(
      deps.providers.map(async (p) => (await p.voices()).map((v) => ({ ...v, provider: p.id }))),
    );
    return lists.flat();
  };

  return { synthesize, voices, normalize };
}
