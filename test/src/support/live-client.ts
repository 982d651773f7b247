/**
 * A receiver pulling a live mount the way a Pi does: one raw TCP socket, a hand-written GET, and the
 * bytes counted as they come. `paused` makes a listener that never reads (a dead or stalled receiver).
 */
import { once } from 'node:events';
import net from 'node:net';
import { parseMp3Header as parseHeader } from '@nguon/server';

export interface Pull {
  socket: net.Socket;
  /** Resolves with the status line and headers once they have arrived. */
  head: Promise<{ status: number; headers: Record<string, string> }>;
  body(): Buffer;
  bytes(): number;
  /** Resolves when `n` body bytes have arrived. */
  waitBytes(n: number, timeoutMs?: number): Promise<void>;
  closed: Promise<void>;
  close(): void;
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function pull(baseUrl: string, path: string, authorization?: string, opts: { paused?: boolean } = {}): Pull {
  const u = new URL(baseUrl);
  const socket = net.connect({ host: u.hostname, port: Number(u.port) });
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${u.host}`, 'Icy-MetaData: 0'];
  if (authorization) lines.push(`Authorization: ${authorization}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  let raw = Buffer.alloc(0);
  let bodyStart = -1;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let resolveHead: (h: { status: number; headers: Record<string, string> }) => void = () => {};
  const head = new Promise<{ status: number; headers: Record<string, string> }>((r) => {
    resolveHead = r;
  });
  const bytes = () => (bodyStart < 0 ? 0 : raw.length - bodyStart);
  socket.on('data', (d: Buffer) => {
    raw = Buffer.concat([raw, d]);
    if (bodyStart < 0) {
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      bodyStart = end + 4;
      const [status, ...rest] = raw.subarray(0, end).toString('utf8').split('\r\n');
      const headers = Object.fromEntries(
        rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolveHead({ status: Number(status?.split(' ')[1]), headers });
    }
    for (const w of waiters.filter((w) => bytes() >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  socket.on('error', () => {});
  if (opts.paused) socket.once('data', () => socket.pause());
  const closed = once(socket, 'close').then(() => undefined);
  return {
    socket,
    head,
    body: () => (bodyStart < 0 ? Buffer.alloc(0) : raw.subarray(bodyStart)),
    bytes,
    waitBytes(n, timeoutMs = 20_000) {
      if (bytes() >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${bytes()} of ${n} bytes in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
        closed.then(() => {
          clearTimeout(t);
          if (bytes() < n) reject(new Error(`closed after ${bytes()} of ${n} bytes`));
        });
      });
    },
    closed,
    close: () => socket.destroy(),
  };
}

/** Walks MP3 frames from the first byte: how many whole frames, and whether every one was valid. */
export function walkFrames(buf: Buffer): { frames: number; ms: number; tail: number; valid: boolean } {
  let off = 0;
  let frames = 0;
  let ms = 0;
  while (off + 4 <= buf.length) {
    const h = parseHeader(buf, off);
    if (!h) return { frames, ms, tail: buf.length - off, valid: false };
    if (off + h.length > buf.length) break;
    off += h.length;
    frames++;
    ms += h.durationMs;
  }
  return { frames, ms, tail: buf.length - off, valid: true };
}
