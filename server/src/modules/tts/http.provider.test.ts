import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { createHttpProvider } from './http.provider.js';
import { Secret } from './secret.js';
import { type TtsHttpConfig, type TtsHttpConfigInput, TtsHttpConfigSchema } from './tts.config.js';
import { encodeWav, parseWav } from './wav.js';

const API_KEY = 'sk-test-0123456789';
const WAV = encodeWav({ sampleRate: 16000, channels: 1, samples: Buffer.alloc(3200, 1) });

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real HTTP server on port 0 standing in for a commercial TTS vendor. */
const routes = new Map<string, Handler>();
const hits = new Map<string, Array<{ headers: IncomingMessage['headers']; body: string }>>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      hits.set(path, [...(hits.get(path) ?? []), { headers: req.headers, body }]);
      const handler = routes.get(path);
      if (handler) handler(req, body, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  routes.clear();
  hits.clear();
});

function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

function config(path: string, { timeoutMs = 2000, ...overrides }: Partial<TtsHttpConfigInput> = {}): TtsHttpConfig {
  const parsed = TtsHttpConfigSchema.parse({
    url: `${base}${path}`,
    auth: { header: 'x-api-key', value: new Secret(API_KEY) },
    voice: 'banmai',
    ...overrides,
  });
  // Test-speed backoff and timeouts (the schema's minimums are for production).
  return { ...parsed, backoffMs: 5, timeoutMs };
}

const sendWav = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(WAV);

describe('HTTP provider against a real local server', () => {
  it('posts the rendered template with the auth header and returns the raw WAV', async () => {
    routes.set('/tts', (req, _body, res) =>
      req.headers['x-api-key'] === API_KEY ? sendWav(res) : res.writeHead(401).end(),
    );
    const provider = createHttpProvider(
      config('/tts', { bodyTemplate: '{"input":"{text}","voice":"{voice}","speed":"{speed}"}' }),
    );
    const out = await provider.synthesize('Bão số 3 "rất mạnh"', { voice: 'lannhi', speed: 1 });
    expect(out).toMatchObject({ format: 'wav', sampleRate: 16000 });
    expect(out.audio.equals(WAV)).toBe(true);
    expect(JSON.parse(hits.get('/tts')?.[0]?.body ?? '')).toEqual({
      input: 'Bão số 3 "rất mạnh"',
      voice: 'lannhi',
      speed: 1,
    });
  });

  it('reads base64 audio from a JSON field', async () => {
    routes.set('/b64', (_req, _body, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { audio: WAV.toString('base64') } })),
    );
    const provider = createHttpProvider(config('/b64', { response: { type: 'json-base64', field: 'data.audio' } }));
    const out = await provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 });
    expect(parseWav(out.audio).sampleRate).toBe(16000);
  });

  it('fetches a published audio URL, waiting out a "not yet" 404, sending the key only to its own origin', async () => {
    routes.set('/async', (_req, _body, res) => res.writeHead(200).end(JSON.stringify({ async: '/files/a.mp3' })));
    let tries = 0;
    routes.set('/files/a.mp3', (_req, _body, res) =>
      ++tries < 2
        ? res.writeHead(404).end()
        : res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(Buffer.from([0xff, 0xfb, 0x90, 0x64])),
    );
    const provider = createHttpProvider(
      config('/async', { response: { type: 'json-url', field: 'async' }, format: 'mp3' }),
    );
    const out = await provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 });
    expect(out.format).toBe('mp3');
    expect(hits.get('/files/a.mp3')).toHaveLength(2);
    expect(hits.get('/files/a.mp3')?.[0]?.headers['x-api-key']).toBe(API_KEY);
  });

  it('retries 5xx with backoff, logging attempts but never the key', async () => {
    let calls = 0;
    routes.set('/flaky', (_req, _body, res) =>
      ++calls <= 2 ? res.writeHead(503).end(`overloaded ${API_KEY}`) : sendWav(res),
    );
    const { log, lines } = logCapture();
    const provider = createHttpProvider(config('/flaky', { retries: 3 }), { log });
    const out = await provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 });
    expect(out.format).toBe('wav');
    expect(calls).toBe(3);
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    expect(lines.join('')).not.toContain(API_KEY);
  });

  it('gives up after the configured retries with a clear "unavailable" error', async () => {
    routes.set('/down', (_req, _body, res) => res.writeHead(502).end('bad gateway'));
    const provider = createHttpProvider(config('/down', { retries: 2 }));
    const attempt = provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 });
    await expect(attempt).rejects.toMatchObject({
      code: 'unavailable',
      details: { reason: 'provider_unavailable', attempts: 3 },
    });
    expect(hits.get('/down')).toHaveLength(3);
  });

  it('reports a refused connection after its retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const provider = createHttpProvider({ ...config('/x', { retries: 1 }), url: `http://127.0.0.1:${port}/tts` });
    await expect(provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 })).rejects.toThrow(
      /unavailable after 2 attempts: connection failed \(ECONNREFUSED\)/,
    );
  });

  it('retries a request that times out', async () => {
    let calls = 0;
    routes.set('/slow', (_req, _body, res) => {
      if (++calls === 1) setTimeout(() => res.writeHead(200).end(WAV), 1000).unref();
      else sendWav(res);
    });
    const provider = createHttpProvider(config('/slow', { timeoutMs: 150 }));
    const out = await provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 });
    expect(out.audio.equals(WAV)).toBe(true);
    expect(calls).toBe(2);
  });

  it('fails fast and clearly on 4xx, without echoing the key', async () => {
    routes.set('/bad', (_req, _body, res) =>
      res.writeHead(400).end(JSON.stringify({ error: 'text too long', key: API_KEY })),
    );
    const provider = createHttpProvider(config('/bad'));
    const err = await provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'unprocessable', details: { reason: 'provider_rejected', status: 400 } });
    expect((err as Error).message).toContain('text too long');
    expect((err as Error).message).not.toContain(API_KEY);
    expect(hits.get('/bad')).toHaveLength(1);
  });

  it('names the credentials on 401', async () => {
    routes.set('/auth', (_req, _body, res) => res.writeHead(401).end());
    const provider = createHttpProvider(config('/auth'));
    await expect(provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 })).rejects.toThrow(
      /NGUON_TTS_HTTP_AUTH_VALUE/,
    );
  });

  it('stops retrying when the caller cancels', async () => {
    routes.set('/hang', () => undefined);
    const provider = createHttpProvider(config('/hang', { retries: 5 }));
    const controller = new AbortController();
    const attempt = provider.synthesize('Xin chào', { voice: 'banmai', speed: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('operator cancelled')), 50);
    await expect(attempt).rejects.toThrow('operator cancelled');
    expect(hits.get('/hang')).toHaveLength(1);
  });

  it('refuses a 200 answer that is not usable audio', async () => {
    routes.set('/junk', (_req, _body, res) =>
      res.writeHead(200, { 'content-type': 'audio/wav' }).end('RIFF\x10\x00\x00\x00WAVEjunk'),
    );
    const provider = createHttpProvider(config('/junk'));
    await expect(provider.synthesize('Xin chào', { voice: 'banmai', speed: 1 })).rejects.toMatchObject({
      details: { reason: 'bad_audio' },
    });
  });

  it('offers its configured voices', async () => {
    const provider = createHttpProvider(config('/tts', { voices: ['banmai', 'lannhi', 'leminh'] }));
    expect((await provider.voices()).map((v) => v.id)).toEqual(['banmai', 'lannhi', 'leminh']);
  });
});
