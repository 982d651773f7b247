/**
 * Scale-out (issue 7, item 2): a mount pushed as a source to a real Icecast server, so receivers can
 * pull from Icecast and its relays instead of from this process. Icecast 2.4 takes a source by HTTP PUT
 * (what libshout does): the body is the raw stream, neither chunked nor sized. The push is one more
 * member of the mount's fan-out, with its own bounded queue; it reconnects while the mount is live.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import type { Sink } from './fanout.js';

export interface IcecastTarget {
  /** http://source:<password>@host:port — the source credentials are in the URL. */
  url: string;
  mount: string;
}

export type IcecastState = 'connecting' | 'pushing' | 'failed' | 'stopped';

export interface IcecastPushOptions {
  target: IcecastTarget;
  name: string;
  bitrateK: number;
  sampleRate: number;
  /** Joins the fan-out; false once the mount has ended. */
  attach(sink: Sink): boolean;
  log: Logger;
  connectTimeoutMs?: number;
}

/** Header values go out as UTF-8 (as Icecast's own do), minus anything that could end the line. */
const headerSafe = (s: string) => s.replace(/[\r\n]+/g, ' ');

export function pushHead(o: Pick<IcecastPushOptions, 'target' | 'name' | 'bitrateK' | 'sampleRate'>): string {
  const u = new URL(o.target.url);
  const auth = Buffer.from(`${decodeURIComponent(u.username || 'source')}:${decodeURIComponent(u.password)}`).toString(
    'base64',
  );
  return [
    `PUT ${o.target.mount} HTTP/1.1`,
    `Host: ${u.host}`,
    `Authorization: Basic ${auth}`,
    'User-Agent: Nguon-live/1',
    'Content-Type: audio/mpeg',
    'Ice-Public: 0',
    `Ice-Name: ${headerSafe(o.name)}`,
    `Ice-Audio-Info: samplerate=${o.sampleRate};bitrate=${o.bitrateK};channels=1`,
    'Expect: 100-continue',
    '',
    '',
  ].join('\r\n');
}

export function startIcecastPush(o: IcecastPushOptions) {
  const u = new URL(o.target.url);
  const port = Number(u.port || 80);
  let state: IcecastState = 'connecting';
  let error: string | null = null;
  let stopped = false;
  let attempt = 0;
  let socket: net.Socket | null = null;
  let retry: NodeJS.Timeout | null = null;

  const fail = (why: string, permanent: boolean) => {
    error = why;
    o.log.warn({ mount: o.target.mount, why }, 'icecast push failed');
    if (stopped) return;
    if (permanent) {
      state = 'failed';
      return;
    }
    state = 'connecting';
    const delay = Math.min(10_000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
    retry = setTimeout(connect, delay);
  };

  function connect() {
    retry = null;
    if (stopped) return;
    const s = net.connect({ host: u.hostname, port });
    socket = s;
    s.setNoDelay(true);
    s.setTimeout(o.connectTimeoutMs ?? 5000, () => s.destroy(new Error('no answer from icecast')));
    let head = '';
    let answered = false;
    s.once('connect', () => s.write(pushHead(o)));
    s.on('data', (d: Buffer) => {
      if (answered) return;
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      answered = true;
      const status = Number(head.slice(9, 12));
      if (status !== 100 && status !== 200) {
        s.destroy();
        // Wrong password or mount refused: retrying would only be refused again.
        return fail(`icecast answered ${head.split('\r\n')[0]}`, status === 401 || status === 403);
      }
      s.setTimeout(0);
      attempt = 0;
      error = null;
      state = 'pushing';
      if (!o.attach(s)) s.end();
    });
    s.on('error', (err) => {
      if (!answered) fail(err.message, false);
    });
    s.once('close', () => {
      if (answered && state === 'pushing' && !stopped) fail('icecast closed the connection', false);
    });
  }
  connect();

  return {
    info: () => ({ url: `${u.protocol}//${u.host}${o.target.mount}`, state, error }),
    stop() {
      stopped = true;
      state = 'stopped';
      if (retry) clearTimeout(retry);
      socket?.end();
    },
  };
}
export type IcecastPush = ReturnType<typeof startIcecastPush>;
