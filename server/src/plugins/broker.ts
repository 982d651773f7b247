import { once } from 'node:events';
import net from 'node:net';
import { deviceMayPublish, deviceMaySubscribe } from '@nguon/protocols';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { indexedMemoryPersistence } from './retained-index.js';

type Session = { kind: 'server' } | { kind: 'device'; deviceId: string };

export interface BrokerDeps {
  host: string;
  port: number;
  log: Logger;
  /** Credentials of the server's own MQTT client: full access. */
  serverUser: { username: string; password: string };
  /** Checks a receiver's credentials; null refuses. */
  verifyDevice(deviceId: string, secret: string): object | null;
  /**
   * The receiver's CURRENT area path, read at every SUBSCRIBE rather than cached at CONNECT: moving a unit
   * changes the area topics of receivers that are already connected (issue 3). null refuses.
   */
  areaPathOf(deviceId: string): string[] | null;
}

export interface EmbeddedBroker {
  port: number;
  aedes: Aedes;
  /** Drops a receiver's connection at once (e.g. after its credentials are revoked). */
  disconnect(deviceId: string): boolean;
  connectedCount(): number;
  close(): Promise<void>;
}

function authError(message: string, returnCode: 4 | 5): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The embedded aedes broker: per-device credentials and topic ACLs from the protocols package. */
export async function startEmbeddedBroker(deps: BrokerDeps): Promise<EmbeddedBroker> {
  const { log } = deps;
  const sessions = new WeakMap<Client, Session>();
  const aedes = await Aedes.createBroker({
    persistence: indexedMemoryPersistence(),
    authenticate(client, username, password, done) {
      const secret = password?.toString('utf8') ?? '';
      if (username === deps.serverUser.username) {
        if (secret === deps.serverUser.password) {
          sessions.set(client, { kind: 'server' });
          return done(null, true);
        }
        return done(authError('bad server credentials', 4), false);
      }
      // A receiver's client id must be its device id, so no one can take over another's session.
      if (!username || client.id !== username) return done(authError('client id must equal username', 5), false);
      if (!deps.verifyDevice(username, secret)) {
        log.warn({ deviceId: username }, 'mqtt login refused');
        return done(authError('bad device credentials', 4), false);
      }
      sessions.set(client, { kind: 'device', deviceId: username });
      done(null, true);
    },
    authorizePublish(client, packet, callback) {
      const s = client ? sessions.get(client) : undefined;
      if (!client || s?.kind === 'server') return callback(null);
      if (s?.kind === 'device' && deviceMayPublish(s.deviceId, packet.topic)) return callback(null);
      log.warn({ clientId: client.id, topic: packet.topic }, 'mqtt publish refused');
      callback(new Error('publish not allowed'));
    },
    authorizeSubscribe(client, sub, callback) {
      const s = sessions.get(client);
      if (s?.kind === 'server') return callback(null, sub);
      const areaPath = s?.kind === 'device' ? deps.areaPathOf(s.deviceId) : null;
      if (s?.kind === 'device' && areaPath && deviceMaySubscribe(s.deviceId, sub.topic, areaPath))
        return callback(null, sub);
      log.warn({ clientId: client.id, topic: sub.topic }, 'mqtt subscribe refused');
      callback(null, null);
    },
  });
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));

  const server = net.createServer(aedes.handle);
  server.listen(deps.port, deps.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([err]) => {
      aedes.close();
      throw err;
    }),
  ]);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.port;

  return {
    port,
    aedes,
    disconnect(deviceId) {
      const client = (aedes as unknown as { clients: Record<string, Client> }).clients[deviceId];
      if (!client) return false;
      client.close();
      return true;
    },
    connectedCount: () => Object.keys((aedes as unknown as { clients: Record<string, Client> }).clients).length,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
