import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { classifyStatus, errorExcerpt, retryDelayMs } from './http-request.js';
import { abortReason, throwIfAborted, ttsError } from './tts.types.js';

/**
 * The HTTP provider's transport: per-attempt timeout, bounded retries with backoff on 5xx, 429 and
 * network failures, clear errors on other 4xx, and a cap on the answer size.
 */

export interface HttpClientOptions {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBytes: number;
  /** Scrubbed from any error text the service echoes back. */
  secret?: string;
  log?: Logger;
  fetch?: typeof fetch;
}

export interface Fetched {
  body: Buffer;
  contentType: string | null;
}

export interface HttpClient {
  /** `retryOn404` for a file URL a vendor may publish a moment after answering. */
  request(url: string, init: RequestInit, signal: AbortSignal | undefined, retryOn404?: boolean): Promise<Fetched>;
}

/** A failure worth another attempt (5xx, 429, timeout, connection reset), with the server's hint. */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => ttsError('unavailable', 'bad_audio', `TTS service answered with more than ${maxBytes} bytes`);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Turns a response into audio bytes or a typed error: retryable, credentials refused, or request rejected. */
async function answer(
  res: Response,
  maxBytes: number,
  secret: string | undefined,
  retryOn404: boolean,
): Promise<Fetched> {
  const kind = retryOn404 && res.status === 404 ? 'retry' : classifyStatus(res.status);
  if (kind === 'ok') return { body: await readCapped(res, maxBytes), contentType: res.headers.get('content-type') };
  const excerpt = errorExcerpt(await res.text().catch(() => ''), secret);
  const detail = `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (kind === 'retry') throw new RetryableError(detail, res.headers.get('retry-after'));
  if (kind === 'auth') {
    throw ttsError(
      'unavailable',
      'provider_rejected',
      `TTS service refused the credentials (HTTP ${res.status}); check NGUON_TTS_HTTP_AUTH_HEADER and NGUON_TTS_HTTP_AUTH_VALUE`,
      { status: res.status },
    );
  }
  throw ttsError('unprocessable', 'provider_rejected', `TTS service rejected the request (${detail})`, {
    status: res.status,
  });
}

/** fetch reports a refused or reset connection as TypeError("fetch failed") with the system error as cause. */
function describeFailure(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return `connection failed (${cause.code})`;
  return err instanceof Error ? err.message : String(err);
}

export function createHttpClient(config: HttpClientOptions): HttpClient {
  const { secret, log, timeoutMs, retries } = config;
  const doFetch = config.fetch ?? fetch;

  const request = async (
    url: string,
    init: RequestInit,
    signal?: AbortSignal,
    retryOn404 = false,
  ): Promise<Fetched> => {
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      throwIfAborted(signal);
      const timeout = AbortSignal.timeout(timeoutMs);
      let retryAfter: string | null = null;
      try {
        const res = await doFetch(url, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        return await answer(res, config.maxBytes, secret, retryOn404);
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        const retryable = err instanceof RetryableError || err instanceof TypeError || timeout.aborted;
        if (!retryable) throw err;
        last = timeout.aborted ? `timed out after ${timeoutMs} ms` : describeFailure(err);
        if (err instanceof RetryableError) retryAfter = err.retryAfter;
      }
      if (attempt === retries) break;
      const wait = retryDelayMs(attempt, config.backoffMs, retryAfter);
      log?.warn({ attempt: attempt + 1, of: retries + 1, waitMs: wait, error: last }, 'TTS request failed; retrying');
      await delay(wait, undefined, signal ? { signal } : {}).catch(() => {
        throw abortReason(signal as AbortSignal);
      });
    }
    throw ttsError(
      'unavailable',
      'provider_unavailable',
      `TTS service unavailable after ${retries + 1} attempts: ${last}`,
      {
        attempts: retries + 1,
      },
    );
  };

  return { request };
}
