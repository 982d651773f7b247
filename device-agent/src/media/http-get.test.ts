import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function text(body: AsyncIterable<unknown>): Promise<string> {
  let out = '';
  for await (const c of body) out += String(c);
  return out;
}

describe('httpGet', () => {
  it('returns the status and streams the body, with the given headers', async () => {
    const base = await serve((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200).end(`auth=${req.headers.authorization}`);
    });
    const ok = await httpGet(`${base}/a`, { headers: { authorization: 'Basic eA==' } });
    expect(ok.status).toBe(200);
    expect(await text(ok.body)).toBe('auth=Basic eA==');
    expect((await httpGet(`${base}/missing`)).status).toBe(404);
  });

  it('follows redirects, keeping credentials on the same origin and dropping them elsewhere', async () => {
    const other = await serve((req, res) => res.end(`other auth=${req.headers.authorization ?? 'none'}`));
    const base = await serve((req, res) => {
      if (req.url === '/same') return void res.writeHead(302, { location: '/final' }).end();
      if (req.url === '/away') return void res.writeHead(307, { location: `${other}/x` }).end();
      if (req.url === '/loop') return void res.writeHead(301, { location: '/loop' }).end();
      res.end(`final auth=${req.headers.authorization ?? 'none'}`);
    });
    const headers = { authorization: 'Basic eA==' };
    expect(await text((await httpGet(`${base}/same`, { headers })).body)).toBe('final auth=Basic eA==');
    expect(await text((await httpGet(`${base}/away`, { headers })).body)).toBe('other auth=none');
    await expect(httpGet(`${base}/loop`)).rejects.toThrow(/redirects/);
  });

  it('is aborted by its signal, before the answer and while the body streams', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(200);
      res.write('first');
    });
    await expect(httpGet(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toThrow(/abort/i);
    const abort = new AbortController();
    const res = await httpGet(`${base}/body`, { signal: abort.signal });
    const read = text(res.body);
    abort.abort();
    await expect(read).rejects.toThrow(/abort/i);
  });

  it('refuses what is not http(s) and reports a refused connection', async () => {
    await expect(httpGet('ftp://127.0.0.1/x')).rejects.toThrow(/unsupported protocol/);
    const base = await serve((_req, res) => res.end());
    servers[0]!.close();
    await once(servers[0]!, 'close');
    await expect(httpGet(`${base}/x`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
