import type { IncomingMessage, RequestOptions } from 'node:http';
import type { Readable } from 'node:stream';

export interface HttpResponse {
  status: number;
  /** The body as a Node stream; destroy it to stop reading. */
  body: Readable;
}

export interface HttpGetInit {
  headers?: Record<string, string>;
  /** Aborts the request, and the body while it is read. */
  signal?: AbortSignal;
}

/** What media downloads and emergency streams call: replaceable, e.g. to queue a simulated fleet's downloads. */
export type HttpGet = (url: string, init?: HttpGetInit) => Promise<HttpResponse>;

/** As fetch() does; more is a loop. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type RequestFn = (
  url: URL,
  opts: RequestOptions,
  cb: (res: IncomingMessage) => void,
) => { end(): void; once(e: 'error', l: (err: Error) => void): unknown };

/**
 * GET with node:http / node:https instead of fetch(): undici, which fetch() loads on first use, costs
 * a receiver 15 MB of RSS and more with every connection (its HTTP parser is WebAssembly), and rules
 * out `--jitless` (issue 5 item 10; README, "Memory"). Follows redirects like fetch(), dropping the
 * credentials when a redirect leaves the origin. https is loaded only for an https URL.
 */
export const httpGet: HttpGet = async (url, init = {}) => {
  let target = new URL(url);
  let headers = { ...init.headers };
  for (let hop = 0; ; hop++) {
    const res = await request(target, headers, init.signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return { status: res.statusCode ?? 0, body: res };
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, target);
    if (next.origin !== target.origin) headers = withoutAuthorization(headers);
    target = next;
  }
};

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
}

async function request(url: URL, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  const mod = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const req = (mod.request as RequestFn)(url, { method: 'GET', headers, signal }, resolve);
    req.once('error', reject);
    req.end();
  });
}
