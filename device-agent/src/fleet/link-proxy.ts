import { once } from 'node:events';
import net from 'node:net';

/**
 * A TCP relay between simulated receivers and the broker that can cut one receiver's link, the way a
 * 3G/4G link drops: the agent sees its socket die and must recover by itself through its own reconnect
 * backoff, and the broker sees a connection vanish and publishes the Will. Nothing in the agent changes:
 * it is only given the relay's address as its broker URL. The relay tells receivers apart by the client
 * id in the MQTT CONNECT packet, which for a receiver is its device id.
 */
export interface LinkProxy {
  /** mqtt://127.0.0.1:<port> — give this to the agents instead of the broker's address. */
  readonly brokerUrl: string;
  /** Drops the receiver's current connection and refuses new ones until restore(). */
  cut(clientId: string): void;
  restore(clientId: string): void;
  /** Receivers with a relayed connection now. */
  linkCount(): number;
  close(): Promise<void>;
}

/** A CONNECT larger than this before its client id is a protocol error, not a receiver. */
const MAX_PENDING_BYTES = 16 * 1024;

/**
 * The client id of an MQTT 3.1/3.1.1 CONNECT at the start of `buf`: undefined while more bytes are
 * needed, null when it is not a CONNECT.
 */
export function connectClientId(buf: Buffer): string | null | undefined {
  if (buf.length < 1) return undefined;
  if (buf[0] !== 0x10) return null;
  // Remaining length: up to four bytes, seven bits each, high bit set on all but the last.
  let p = 1;
  for (let i = 0; ; i++) {
    if (i === 4) return null;
    if (p >= buf.length) return undefined;
    if ((buf[p++]! & 0x80) === 0) break;
  }
  if (p + 2 > buf.length) return undefined;
  // Protocol name, level (1), flags (1), keep-alive (2), then the client id as a length-prefixed string.
  const idAt = p + 2 + buf.readUInt16BE(p) + 4;
  if (idAt + 2 > buf.length) return undefined;
  const idEnd = idAt + 2 + buf.readUInt16BE(idAt);
  if (idEnd > buf.length) return undefined;
  return buf.toString('utf8', idAt + 2, idEnd);
}

export async function startLinkProxy(opts: { target: string; host?: string }): Promise<LinkProxy> {
  const target = new URL(opts.target);
  const targetPort = Number(target.port || 1883);
  const down = new Set<string>();
  const links = new Map<string, { client: net.Socket; upstream: net.Socket }>();

  function relay(client: net.Socket, id: string, first: Buffer): void {
    const upstream = net.connect({ host: target.hostname, port: targetPort });
    upstream.setNoDelay(true);
    const pair = { client, upstream };
    const old = links.get(id);
    links.set(id, pair);
    // The broker would take the older session over anyway; dropping it here keeps the map exact.
    if (old) old.client.destroy();
    const end = () => {
      client.destroy();
      upstream.destroy();
      if (links.get(id) === pair) links.delete(id);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    upstream.write(first);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  function accept(client: net.Socket): void {
    client.setNoDelay(true);
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const id = connectClientId(pending);
      if (id === undefined && pending.length < MAX_PENDING_BYTES) return;
      client.off('data', onData);
      client.pause();
      // A receiver whose link is down sees its connection die before CONNACK, like a failed dial.
      if (!id || down.has(id)) return void client.destroy();
      relay(client, id, pending);
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  }

  const server = net.createServer(accept);
  server.listen(0, opts.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;

  return {
    brokerUrl: `mqtt://${address.address}:${address.port}`,
    cut(id) {
      down.add(id);
      const pair = links.get(id);
      if (!pair) return;
      links.delete(id);
      // A reset, not a clean FIN: what the agent sees when the modem loses its bearer.
      pair.client.resetAndDestroy();
      pair.upstream.destroy();
    },
    restore(id) {
      down.delete(id);
    },
    linkCount: () => links.size,
    async close() {
      for (const { client, upstream } of links.values()) {
        client.destroy();
        upstream.destroy();
      }
      links.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
