/**
 * One publisher process of `bench:ingest`: holds one plain MQTT 3.1.1 connection per receiver (real
 * credentials; client id = device id, as the broker's ACL requires) and publishes QoS 0 heartbeats on
 * each receiver's own topic at `--rate` per receiver per second. Packets are encoded by hand and written
 * straight to the socket: a receiver costs a socket and a few hundred bytes here, not an MQTT.js client,
 * so one process drives thousands. Reads credentials from `--credentials`; prints `{"ready":n}` once
 * all are connected, starts on a "go" line on stdin, and prints `{"sent":n}` every second.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { encodeForDevice } from '@nguon/protocols';

const { values } = parseArgs({
  options: { credentials: { type: 'string' }, broker: { type: 'string' }, rate: { type: 'string', default: '2' } },
});
const creds = JSON.parse(readFileSync(String(values.credentials), 'utf8')) as Array<{
  deviceId: string;
  secret: string;
}>;
const broker = new URL(String(values.broker));
const rate = Number(values.rate);

const str = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};
const remainingLength = (n: number) => {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
};
const packet = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);

function connectPacket(id: string, secret: string): Buffer {
  // Protocol "MQTT" level 4; flags: username, password, clean session; keep-alive 0 (no pings needed).
  const vh = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 0])]);
  return packet(0x10, Buffer.concat([vh, str(id), str(id), str(secret)]));
}

const health = JSON.stringify({
  uptimeS: 1000,
  agentUptimeS: 900,
  cpuTempC: 48.5,
  load1: 0.3,
  memTotalMb: 1024,
  memUsedPct: 35,
  diskTotalMb: 15000,
  diskUsedPct: 42,
  volume: 80,
  muted: false,
  agentVersion: 'bench-1',
  link: { type: 'cellular', signalDbm: -85 },
  playing: null,
});

interface Conn {
  socket: net.Socket;
  topic: Buffer;
  session: string;
  seq: number;
}

async function open(c: { deviceId: string; secret: string }): Promise<Conn> {
  const topic = encodeForDevice('heartbeat', c.deviceId, {
    v: 1,
    id: 'x',
    ts: 1,
    seq: 0,
    session: 's',
    health: JSON.parse(health),
  }).topic;
  const socket = net.connect(Number(broker.port), broker.hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (d) =>
      d[0] === 0x20 && d[3] === 0 ? resolve() : reject(new Error(`CONNACK ${d.toString('hex')}`)),
    );
    socket.write(connectPacket(c.deviceId, c.secret));
  });
  socket.on('error', () => {});
  return { socket, topic: str(topic), session: randomUUID(), seq: 0 };
}

function publish(c: Conn): void {
  const payload = Buffer.from(
    `{"v":1,"id":"${randomUUID()}","ts":${Date.now()},"seq":${c.seq++},"session":"${c.session}","health":${health}}`,
  );
  c.socket.write(packet(0x30, Buffer.concat([c.topic, payload])));
}

const conns: Conn[] = [];
const input = createInterface({ input: process.stdin });
const nextLine = () => new Promise<string>((resolve) => input.once('line', resolve));
for (let i = 0; i < creds.length; i += 200) conns.push(...(await Promise.all(creds.slice(i, i + 200).map(open))));
process.stdout.write(`${JSON.stringify({ ready: conns.length })}\n`);
await nextLine();

let sent = 0;
let next = 0;
const TICK_MS = 20;
const t0 = performance.now();
// Paced by elapsed time, so a late tick catches up instead of lowering the offered rate.
const pace = setInterval(() => {
  const due = Math.floor(((performance.now() - t0) / 1000) * rate * conns.length);
  for (; sent < due; sent++) {
    const c = conns[next]!;
    next = (next + 1) % conns.length;
    if (c.socket.writableLength < 1 << 20) publish(c);
  }
}, TICK_MS);
const report = setInterval(() => process.stdout.write(`${JSON.stringify({ sent })}\n`), 1000);

// "stop": a clean MQTT DISCONNECT on every connection, a few hundred at a time, then exit.
await nextLine();
clearInterval(pace);
clearInterval(report);
for (let i = 0; i < conns.length; i += 500) {
  await Promise.all(
    conns
      .slice(i, i + 500)
      .map((c) => new Promise<void>((resolve) => c.socket.end(Buffer.from([0xe0, 0]), () => resolve()))),
  );
}
process.exit(0);
