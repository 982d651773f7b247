import type { z } from 'zod';

/** An answer of the API that was not a success, or one whose body did not match the expected schema. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The route does not exist on this server (the error handler's "no route" 404): the feature's API is not
 * part of this build, which pages show as "not available" rather than as an error.
 */
export function isRouteMissing(err: unknown): boolean {
  return (
    err instanceof ApiError && err.status === 404 && err.code === 'not_found' && err.message.startsWith('no route')
  );
}

interface Options<T> {
  body?: unknown;
  form?: FormData;
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as {
      error?: { code?: string; message?: string; details?: unknown };
      requestId?: string;
    };
    if (j.error?.code)
      return new ApiError(res.status, j.error.code, j.error.message ?? '', j.error.details, j.requestId);
  } catch {
    // not JSON: a proxy or the network answered
  }
  return new ApiError(res.status, res.status >= 500 ? 'internal' : 'bad_request', text.slice(0, 200));
}

/**
 * One call to the API with the session cookie. A response is checked against `schema` (the server's own
 * zod schemas where they are shared), so a console out of step with its server fails loudly.
 */
export async function api<T = unknown>(method: string, url: string, opts: Options<T> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body, signal: opts.signal ?? null });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw await errorOf(res);
  const json: unknown = res.status === 204 ? {} : await res.json();
  if (!opts.schema) return json as T;
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(res.status, 'bad_response', `${method} ${url}: unexpected answer`, parsed.error.issues);
  return parsed.data;
}

export const get = <T>(url: string, schema?: z.ZodType<T>, signal?: AbortSignal) =>
  api<T>('GET', url, { ...(schema ? { schema } : {}), ...(signal ? { signal } : {}) });
export const post = <T>(url: string, body?: unknown, schema?: z.ZodType<T>) =>
  api<T>('POST', url, { body: body ?? {}, ...(schema ? { schema } : {}) });

/** `?a=1&b=x` from the defined entries only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
