import { AppError, type ErrorCode } from '../../errors.js';

export type AudioFormat = 'wav' | 'mp3' | 'ogg';

export interface TtsVoice {
  id: string;
  name: string;
  lang: string;
}

export interface SynthesizeOptions {
  voice: string;
  /** 0.5–2.0, 1 = the provider's normal pace. */
  speed: number;
  signal?: AbortSignal;
}

export interface SynthesizedAudio {
  audio: Buffer;
  format: AudioFormat;
  sampleRate?: number;
}

/** One speech engine. The service splits and joins; a provider only turns one piece of text into audio. */
export interface TtsProvider {
  readonly id: string;
  synthesize(text: string, opts: SynthesizeOptions): Promise<SynthesizedAudio>;
  voices(): Promise<TtsVoice[]>;
  /** Used when a request names no voice. */
  readonly defaultVoice?: string;
  /** Used when a request gives no speed; 1 if absent. */
  readonly defaultSpeed?: number;
  /**
   * What the provider returns. 'wav' (PCM16 mono) lets the service synthesise sentence by sentence and
   * insert its own pauses; a compressed format cannot be cut and padded without decoding, so the service
   * sends the fewest requests of at most `maxChars` each and joins the streams as they are.
   */
  readonly format?: AudioFormat;
  /** The longest text one request may carry (commercial APIs cap it). */
  readonly maxChars?: number;
  /** Frees workers or sockets; the service never calls it, the composition root does on shutdown. */
  close?(): Promise<void>;
}

/** Machine-readable reasons, carried in AppError.details so the console can show a Vietnamese message. */
export type TtsFailure =
  | 'empty_text'
  | 'text_too_long'
  | 'nothing_to_read'
  | 'control_character'
  | 'unsupported_script'
  | 'unknown_provider'
  | 'unknown_voice'
  | 'bad_speed'
  | 'provider_rejected'
  | 'provider_unavailable'
  | 'bad_audio'
  | 'engine_failed';

export function ttsError(code: ErrorCode, reason: TtsFailure, message: string, details: object = {}): AppError {
  return new AppError(code, message, { reason, ...details });
}

/** The signal's own reason, so callers can tell "cancelled" from a failure exactly as with ffmpeg jobs. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}
