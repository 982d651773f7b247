import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamPlayer } from './stream-player.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}/live.mp3`;
}

describe('stream player', () => {
  it('starts on the first bytes, sends the device credentials, ends finished when the source closes', async () => {
    let auth = '';
    const url = await serve((req, res) => {
      auth = req.headers.authorization ?? '';
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(Buffer.alloc(512));
      setTimeout(() => res.end(Buffer.alloc(512)), 50);
    });
    let first = 0;
    const player = createStreamPlayer({ auth: { username: 'd1', password: 's' }, onFirstBytes: () => first++ });
    const r = await player.play(url, { volume: 80 }).done;
    expect(r.outcome).toBe('finished');
    expect(first).toBe(1);
    expect(auth).toBe(`Basic ${Buffer.from('d1:s').toString('base64')}`);
  });

  it('fails after the given attempts when the source does not answer, and never calls it started', async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.writeHead(404).end();
    });
    let first = 0;
    const player = createStreamPlayer({ onFirstBytes: () => first++, attempts: 3, retryDelayMs: 10 });
    const r = await player.play(url, { volume: 80 }).done;
    expect(r).toMatchObject({ outcome: 'failed', reason: 'stream failed: HTTP 404' });
    expect(hits).toBe(3);
    expect(first).toBe(0);
  });

  it('stops when asked, mid-stream', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(256));
    });
    let started!: () => void;
    const firstBytes = new Promise<void>((r) => {
      started = r;
    });
    const handle = createStreamPlayer({ onFirstBytes: () => started() }).play(url, { volume: 1 });
    await firstBytes;
    handle.stop();
    expect((await handle.done).outcome).toBe('stopped');
  });
});
