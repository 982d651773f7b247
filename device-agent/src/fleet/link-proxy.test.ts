import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClientId, type LinkProxy, startLinkProxy } from './link-proxy.js';

/** An MQTT 3.1.1 CONNECT with a clean session and a 60 s keep-alive. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variable = Buffer.from([0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]);
  const rest = Buffer.concat([variable, id]);
  return Buffer.concat([Buffer.from([0x10, rest.length]), rest]);
}

describe('connectClientId', () => {
  it('reads the client id, asks for more bytes while it is incomplete, refuses other packets', () => {
    const packet = connectPacket('rDevice01');
    expect(connectClientId(packet)).toBe('rDevice01');
    expect(connectClientId(packet.subarray(0, 12))).toBeUndefined();
    expect(connectClientId(Buffer.from([0x30, 0x02, 0, 0]))).toBeNull();
    expect(connectClientId(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBeNull();
  });
});

describe('link proxy', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A stand-in broker that answers every chunk with "ack:" + the chunk. */
  async function echoBroker(): Promise<string> {
    const server = net.createServer((s) => s.on('data', (d) => s.write(Buffer.concat([Buffer.from('ack:'), d]))));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    return `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  /** Unlike once(), not rejected by the 'error' (ECONNRESET) that precedes the close of a reset socket. */
  const closeOf = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

  async function dial(
    proxy: LinkProxy,
    clientId: string,
  ): Promise<{ socket: net.Socket; firstReply: Promise<Buffer> }> {
    const { hostname, port } = new URL(proxy.brokerUrl);
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.on('error', () => {});
    cleanups.push(() => void socket.destroy());
    await once(socket, 'connect');
    const firstReply = once(socket, 'data').then(([d]) => d as Buffer);
    // A refused dial never answers: its rejection is expected, not an unhandled one.
    firstReply.catch(() => {});
    socket.write(connectPacket(clientId));
    return { socket, firstReply };
  }

  it('relays both ways, cuts one receiver, refuses it while down and lets it back after restore', async () => {
    const proxy = await startLinkProxy({ target: await echoBroker() });
    cleanups.push(() => proxy.close());

    const a = await dial(proxy, 'rA');
    const b = await dial(proxy, 'rB');
    expect((await a.firstReply).subarray(0, 4).toString()).toBe('ack:');
    await b.firstReply;
    expect(proxy.linkCount()).toBe(2);

    const closed = closeOf(a.socket);
    proxy.cut('rA');
    await closed;
    expect(proxy.linkCount()).toBe(1);
    expect(b.socket.destroyed).toBe(false);

    const refused = await dial(proxy, 'rA');
    await closeOf(refused.socket);

    proxy.restore('rA');
    const back = await dial(proxy, 'rA');
    expect((await back.firstReply).subarray(0, 4).toString()).toBe('ack:');
  });
});
