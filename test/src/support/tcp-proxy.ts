import { once } from 'node:events';
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /**
   * Black-holes what the clients of the current connections send from now on (their packets are lost
   * on the way, as on a dying 3G link), while the other direction still flows. New connections are not
   * affected.
   */
  blackHoleUpstream(): void;
  close(): Promise<void>;
}

/** A TCP relay to `targetPort` on 127.0.0.1 (listening on `listenPort`, default any), to fail a link between a real client and a real broker. */
export async function startTcpProxy(targetPort: number, listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; holed: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, holed: false };
    pairs.add(pair);
    client.on('data', (d) => {
      if (!pair.holed) upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  server.listen(listenPort, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    blackHoleUpstream() {
      for (const p of pairs) p.holed = true;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
