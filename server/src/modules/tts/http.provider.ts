import type { Logger } from 'pino';
import { sniffFormat } from './audio-join.js';
import { createHttpClient, type Fetched, type HttpClient } from './http-client.js';
import { decodeBase64Audio, formatFromContentType, mapSpeed, readField, renderBody } from './http-request.js';
import type { TtsHttpConfig } from './tts.config.js';
import { type SynthesizedAudio, type TtsProvider, ttsError } from './tts.types.js';
import { parseWav } from './wav.js';

export interface HttpProviderDeps {
  log?: Logger;
  /** Defaults to the global fetch; injectable for a test that counts requests. */
  fetch?: typeof fetch;
}

/** Static headers, plus the credential only for the configured service's own origin. */
function requestHeaders(config: TtsHttpConfig, url: string, json: boolean): Record<string, string> {
  const ownOrigin = new URL(url).origin === new URL(config.url).origin;
  return {
    ...(json ? { 'content-type': 'application/json' } : {}),
    accept: 'audio/*, application/json;q=0.9, */*;q=0.5',
    ...config.headers,
    // Never sent to a storage host named in a json-url answer.
    ...(config.auth && ownOrigin ? { [config.auth.header]: config.auth.value.reveal() } : {}),
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw ttsError('unavailable', 'bad_audio', 'TTS service answered with something that is not JSON');
  }
}

/** The audio bytes, wherever config.response says the service puts them. */
async function extractAudio(config: TtsHttpConfig, client: HttpClient, fetched: Fetched, signal?: AbortSignal) {
  const { response } = config;
  if (response.type === 'raw') return fetched.body;
  const value = readField(parseJson(fetched.body), response.field);
  if (response.type === 'json-base64') {
    const audio = decodeBase64Audio(value);
    if (!audio) throw ttsError('unavailable', 'bad_audio', `TTS response has no base64 audio in "${response.field}"`);
    return audio;
  }
  if (typeof value !== 'string' || !URL.canParse(value, config.url)) {
    throw ttsError('unavailable', 'bad_audio', `TTS response has no audio URL in "${response.field}"`);
  }
  const audioUrl = new URL(value, config.url).href;
  // Some vendors publish the file a moment after answering: a 404 there means "not yet".
  const file = await client.request(
    audioUrl,
    { method: 'GET', headers: requestHeaders(config, audioUrl, false) },
    signal,
    true,
  );
  return file.body;
}

/** Format from the bytes first (headers lie), then Content-Type, then the configured default. */
function toResult(config: TtsHttpConfig, audio: Buffer, contentType: string | null): SynthesizedAudio {
  if (audio.length === 0) throw ttsError('unavailable', 'bad_audio', 'TTS service answered with empty audio');
  const format = sniffFormat(audio) ?? formatFromContentType(contentType) ?? config.format;
  if (format !== 'wav') return { audio, format };
  try {
    return { audio, format, sampleRate: parseWav(audio).sampleRate };
  } catch (err) {
    throw ttsError('unavailable', 'bad_audio', `TTS service sent an unusable WAV: ${(err as Error).message}`);
  }
}

/**
 * A commercial neural Vietnamese TTS service behind a configurable JSON-over-HTTP call (FPT.AI, Viettel
 * AI, Zalo AI, Google and the like all fit: URL, one auth header, a body template, and audio either as the
 * body, as base64 in a field, or behind a URL in a field). The credential is only ever read by
 * `reveal()` into the request header; logs name the host, status and attempt, never headers or text.
 */
export function createHttpProvider(config: TtsHttpConfig, deps: HttpProviderDeps = {}): TtsProvider {
  const secret = config.auth?.value.reveal();
  const client = createHttpClient({
    ...config,
    ...(secret !== undefined ? { secret } : {}),
    ...(deps.log ? { log: deps.log.child({ tts: 'http', host: new URL(config.url).host }) } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return {
    id: 'http',
    defaultVoice: config.voice,
    defaultSpeed: config.speed,
    format: config.format,
    maxChars: config.maxChars,
    async voices() {
      const ids = [...new Set([config.voice, ...config.voices].filter((v) => v !== ''))];
      return ids.map((id) => ({ id, name: id, lang: 'vi' }));
    },
    async synthesize(text, opts) {
      const body = renderBody(config.bodyTemplate, {
        text,
        voice: opts.voice,
        speed: mapSpeed(opts.speed, config.speedRange),
      });
      const init = { method: 'POST', headers: requestHeaders(config, config.url, true), body };
      const fetched = await client.request(config.url, init, opts.signal);
      const contentType = config.response.type === 'raw' ? fetched.contentType : null;
      return toResult(config, await extractAudio(config, client, fetched, opts.signal), contentType);
    },
  };
}
