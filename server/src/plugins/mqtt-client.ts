import { randomBytes } from 'node:crypto';
import { allDevicesFilter, type Decoded, decode, type MessageKind, type Outgoing, registry } from '@nguon/protocols';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

type Handler<K extends MessageKind> = (msg: Extract<Decoded, { kind: K }>) => void;

export interface ServerMqtt {
  publish(out: Outgoing): Promise<void>;
  on<K extends MessageKind>(kind: K, handler: Handler<K>): void;
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * The server is an ordinary MQTT client of whatever broker it is given (the embedded aedes or an external
 * Mosquitto/EMQX), so scaling out is a configuration change. It listens to every device-originated kind.
 */
export async function connectServerMqtt(opts: {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  log: Logger;
}): Promise<ServerMqtt> {
  const { log } = opts;
  const handlers = new Map<MessageKind, Handler<MessageKind>[]>();
  const client: MqttClient = await mqtt.connectAsync(opts.url, {
    clientId: `nguon-server-${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
  });

  const filters = Object.values(registry)
    .filter((s) => s.scope === 'device' && s.from === 'device')
    .map((s) => ({ topic: allDevicesFilter(s.suffix as Parameters<typeof allDevicesFilter>[0]), qos: s.qos }));
  await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f.topic, { qos: f.qos }])));

  client.on('message', (topic, payload) => {
    const d = decode(topic, payload);
    if (!d.ok) {
      log.warn({ topic, code: d.code, reason: d.message }, 'dropped a bad mqtt message');
      return;
    }
    for (const h of handlers.get(d.kind) ?? []) {
      try {
        h(d);
      } catch (err) {
        log.error({ err, topic }, 'mqtt handler failed');
      }
    }
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt client error'));
  client.on('offline', () => log.warn('server mqtt client offline; reconnecting'));

  return {
    async publish(out) {
      await client.publishAsync(out.topic, out.payload, { qos: out.qos, retain: out.retain });
    },
    on(kind, handler) {
      const list = handlers.get(kind) ?? [];
      list.push(handler as unknown as Handler<MessageKind>);
      handlers.set(kind, list);
    },
    connected: () => client.connected,
    async close() {
      await client.endAsync();
    },
  };
}
