import { randomBytes } from 'node:crypto';
import { allDevicesFilter, type Decoded, decode, type MessageKind, type Outgoing, registry } from '@nguon/protocols';
import type { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

type Handler<K extends MessageKind> = (msg: Extract<Decoded, { kind: K }>) => void;

export interface ServerMqtt {
  publish(out: Outgoing): Promise<void>;
  on<K extends MessageKind>(kind: K, handler: Handler<K>): void;
  connected(): boolean;
  close(): Promise<void>;
}

/** Every device-originated kind the server listens to, as topic filters with their QoS. */
const deviceFilters = () =>
  Object.values(registry)
    .filter((s) => s.scope === 'device' && s.from === 'device')
    .map((s) => ({ topic: allDevicesFilter(s.suffix as Parameters<typeof allDevicesFilter>[0]), qos: s.qos }));

/** Decodes what arrives (never throws) and hands it to the handlers registered for its kind. */
function createDispatcher(log: Logger) {
  const handlers = new Map<MessageKind, Handler<MessageKind>[]>();
  return {
    on<K extends MessageKind>(kind: K, handler: Handler<K>) {
      const list = handlers.get(kind) ?? [];
      list.push(handler as unknown as Handler<MessageKind>);
      handlers.set(kind, list);
    },
    dispatch(topic: string, payload: Buffer) {
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
    },
  };
}

/**
 * With an external broker (Mosquitto, EMQX) the server is an ordinary MQTT client of it, so scaling out
 * is a configuration change. It listens to every device-originated kind.
 */
export async function connectServerMqtt(opts: {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  log: Logger;
}): Promise<ServerMqtt> {
  const { log } = opts;
  const dispatcher = createDispatcher(log);
  const client: MqttClient = await mqtt.connectAsync(opts.url, {
    clientId: `nguon-server-${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password ? { password: opts.password } : {}),
  });
  const filters = deviceFilters();
  await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f.topic, { qos: f.qos }])));
  client.on('message', (topic, payload) => dispatcher.dispatch(topic, payload));
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt client error'));
  client.on('offline', () => log.warn('server mqtt client offline; reconnecting'));

  return {
    async publish(out) {
      await client.publishAsync(out.topic, out.payload, { qos: out.qos, retain: out.retain });
    },
    on: dispatcher.on,
    connected: () => client.connected,
    async close() {
      await client.endAsync();
    },
  };
}

/**
 * With the embedded broker the server subscribes and publishes in process, through aedes' own API: no
 * loopback socket, no second encode and parse of every packet, and no broker queue building up behind
 * a socket (issue 8: ingest). Receivers see exactly the same topics, QoS and retained messages.
 */
export async function attachServerMqtt(aedes: Aedes, log: Logger): Promise<ServerMqtt> {
  const dispatcher = createDispatcher(log);
  const deliver = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => {
    dispatcher.dispatch(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
    // Not synchronously: aedes then hands over its next queued message inside this call, and a backlog
    // (thousands of Last Wills when receivers drop at once) would recurse until the stack overflows.
    process.nextTick(cb);
  };
  const filters = deviceFilters();
  await Promise.all(
    filters.map(
      (f) =>
        new Promise<void>((resolve, reject) =>
          aedes.subscribe(f.topic, deliver, (err?: Error) => (err ? reject(err) : resolve())),
        ),
    ),
  );
  let open = true;
  return {
    publish(out) {
      const packet = {
        cmd: 'publish' as const,
        topic: out.topic,
        payload: out.payload,
        qos: out.qos,
        retain: out.retain,
        dup: false,
      };
      return new Promise((resolve, reject) => aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
    },
    on: dispatcher.on,
    connected: () => open && !aedes.closed,
    async close() {
      if (!open) return;
      open = false;
      for (const f of filters) aedes.unsubscribe(f.topic, deliver, () => {});
    },
  };
}
