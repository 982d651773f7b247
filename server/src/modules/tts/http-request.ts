import type { TtsHttpConfig } from './tts.config.js';

/** Pure pieces of the HTTP provider: request body, speed mapping, response reading, retry policy. */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface BodyValues {
  text: string;
  voice: string;
  speed: number;
}

/**
 * Fills the template by walking the parsed JSON, never by string splicing, so quotes and newlines in
 * a bulletin cannot break (or inject into) the request. A string that is exactly "{speed}" becomes a
 * number, since most APIs want `"speed": 1.0`, not `"speed": "1.0"`.
 */
export function renderBody(template: string, values: BodyValues): string {
  const fill = (node: Json): Json => {
    if (typeof node === 'string') {
      if (node === '{speed}') return values.speed;
      return node.replace(/\{(text|voice|speed)\}/g, (_m, key: keyof BodyValues) => String(values[key]));
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return JSON.stringify(fill(JSON.parse(template) as Json));
}

/** Our 0.5 / 1 / 2 onto the provider's min / normal / max, linearly on each side of normal. */
export function mapSpeed(speed: number, range: TtsHttpConfig['speedRange']): number {
  const value =
    speed <= 1
      ? range.normal - ((1 - speed) / 0.5) * (range.normal - range.min)
      : range.normal + (speed - 1) * (range.max - range.normal);
  return Math.round(Math.min(range.max, Math.max(range.min, value)) * 1000) / 1000;
}

/** "data.audio" or "results[0].url" in a parsed JSON response. */
export function readField(body: unknown, path: string): unknown {
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let node: unknown = body;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Base64 audio, with or without a `data:audio/…;base64,` prefix; undefined when it is not base64. */
export function decodeBase64Audio(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const payload = value.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (payload === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) return undefined;
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}

export type StatusClass = 'ok' | 'retry' | 'auth' | 'reject';

/** 5xx, 429 (rate limit) and 408 are worth another try; other 4xx will fail the same way again. */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 500 || status === 429 || status === 408) return 'retry';
  if (status === 401 || status === 403) return 'auth';
  return 'reject';
}

/**
 * Exponential backoff with full jitter (so many servers retrying one vendor do not synchronise),
 * or the server's Retry-After when it gives one, capped at a minute.
 */
export function retryDelayMs(attempt: number, baseMs: number, retryAfter: string | null, random = Math.random): number {
  const seconds = retryAfter !== null ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(60_000, seconds * 1000);
  return Math.round(baseMs * 2 ** attempt * (0.5 + random() / 2));
}

const AUDIO_TYPES: Record<string, 'wav' | 'mp3' | 'ogg'> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
};

export function formatFromContentType(contentType: string | null): 'wav' | 'mp3' | 'ogg' | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? AUDIO_TYPES[type] : undefined;
}

/** A short, single-line excerpt of an error body for messages, with the credential scrubbed if echoed. */
export function errorExcerpt(body: string, secret: string | undefined, max = 200): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  const scrubbed = secret ? oneLine.split(secret).join('[redacted]') : oneLine;
  return scrubbed.length > max ? `${scrubbed.slice(0, max)}…` : scrubbed;
}
