/**
 * A child process of the stream-listeners benchmark: N raw-socket listeners on one mount, each a
 * hand-written HTTP GET and a byte counter, and a playout model per listener (its player starts at its
 * first byte and consumes `rate` bytes a second; an underrun is its buffer running dry). Commands come
 * as lines on stdin (`report`, `stop`); answers are JSON lines on stdout.
 *
 * argv[2]: JSON {host, port, path, authorization?, count, rampPerSec, rateBytesPerSec, localAddress?}
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

interface Options {
  host: string;
  port: number;
  path: string;
  authorization?: string;
  count: number;
  rampPerSec: number;
  rateBytesPerSec: number;
  localAddress?: string;
}

interface Listener {
  socket: net.Socket;
  headDone: boolean;
  head: string;
  bytes: number;
  /** performance.now() of the first body byte. */
  firstAt: number;
  /** Lowest playout buffer seen, in ms. */
  minBufferMs: number;
  underrun: boolean;
  closed: boolean;
  status: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const listeners: Listener[] = [];
let failed = 0;
/** Why listeners ended early: an HTTP status or a socket error code. */
const endings: Record<string, number> = {};
const note = (why: string) => {
  endings[why] = (endings[why] ?? 0) + 1;
};
let windowStart = { at: 0, bytes: 0 };

const emit = (obj: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(obj)}\n`);

/** A connection refused or reset before any answer is retried, as a receiver would (overloaded accept queues). */
let retries = 0;
let pendingRetries = 0;
let stopping = false;

function open(attempt = 0): void {
  const socket = net.connect({
    host: o.host,
    port: o.port,
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
  });
  const l: Listener = {
    socket,
    headDone: false,
    head: '',
    bytes: 0,
    firstAt: 0,
    minBufferMs: Number.POSITIVE_INFINITY,
    underrun: false,
    closed: false,
    status: 0,
  };
  listeners.push(l);
  const auth = o.authorization ? `Authorization: ${o.authorization}\r\n` : '';
  socket.once('connect', () => socket.write(`GET ${o.path} HTTP/1.0\r\nHost: ${o.host}\r\n${auth}\r\n`));
  socket.on('data', (d: Buffer) => {
    if (!l.headDone) {
      l.head += d.toString('latin1');
      const end = l.head.indexOf('\r\n\r\n');
      if (end < 0) return;
      l.headDone = true;
      l.status = Number(l.head.slice(9, 12));
      const rest = l.head.length - (end + 4);
      l.head = '';
      if (rest > 0) {
        l.bytes += rest;
        l.firstAt = performance.now();
      }
      return;
    }
    if (l.firstAt === 0) l.firstAt = performance.now();
    l.bytes += d.length;
  });
  socket.on('error', (err: NodeJS.ErrnoException) => note(err.code ?? 'error'));
  socket.once('close', () => {
    l.closed = true;
    if (l.status === 0 && !stopping && attempt < 5) {
      listeners.splice(listeners.indexOf(l), 1);
      retries++;
      pendingRetries++;
      setTimeout(
        () => {
          pendingRetries--;
          open(attempt + 1);
        },
        500 + Math.random() * 1500,
      );
      return;
    }
    note(`closed:${l.status}`);
    if (l.status !== 200) failed++;
  });
}

/** Every 250 ms: the playout buffer of each listener (bytes received minus bytes its player consumed). */
function checkPlayout(): void {
  const now = performance.now();
  for (const l of listeners) {
    if (l.firstAt === 0 || l.closed) continue;
    const consumed = ((now - l.firstAt) / 1000) * o.rateBytesPerSec;
    const bufferMs = ((l.bytes - consumed) / o.rateBytesPerSec) * 1000;
    if (bufferMs < l.minBufferMs) l.minBufferMs = bufferMs;
    if (bufferMs < 0) l.underrun = true;
  }
}

function report(kind: string): void {
  checkPlayout();
  const now = performance.now();
  const bytes = listeners.reduce((s, l) => s + l.bytes, 0);
  const playing = listeners.filter((l) => l.firstAt > 0 && !l.closed);
  const mins = playing.map((l) => l.minBufferMs).sort((a, b) => a - b);
  emit({
    type: kind,
    opened: listeners.length,
    playing: playing.length,
    closed: listeners.filter((l) => l.closed).length,
    failed,
    retries,
    endings,
    underruns: listeners.filter((l) => l.underrun).length,
    bytes,
    windowBytes: bytes - windowStart.bytes,
    windowMs: now - windowStart.at,
    minBufferMs: mins.length ? Math.round(mins[0] as number) : null,
    p1BufferMs: mins.length ? Math.round(mins[Math.floor(mins.length / 100)] as number) : null,
  });
}

let opened = 0;
const ramp = setInterval(() => {
  const batch = Math.min(Math.ceil(o.rampPerSec / 20), o.count - opened);
  for (let i = 0; i < batch; i++) open();
  opened += batch;
  if (opened >= o.count) {
    clearInterval(ramp);
    emit({ type: 'opened', opened });
    // Ready once every listener plays or has ended: only then is the measurement window fair.
    const ready = setInterval(() => {
      if (pendingRetries === 0 && listeners.every((l) => l.firstAt > 0 || l.closed)) {
        clearInterval(ready);
        report('ready');
      }
    }, 250);
  }
}, 1000 / 20);
setInterval(checkPlayout, 250).unref();

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'window') {
    windowStart = { at: performance.now(), bytes: listeners.reduce((s, l) => s + l.bytes, 0) };
    emit({ type: 'window' });
  } else if (cmd === 'report') report('report');
  else if (cmd === 'stop') {
    stopping = true;
    report('final');
    for (const l of listeners) l.socket.destroy();
    process.exit(0);
  }
});
