import { randomUUID } from 'node:crypto';
import { encodeForDevice, type Outgoing } from '@nguon/protocols';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { withTimeout } from '../with-timeout.js';
import { backoffDelayMs, RECONNECT_BACKOFF } from './backoff.js';

export interface MqttConnectionOptions {
  brokerUrl: string;
  deviceId: string;
  secret: string;
  agentVersion: string;
  logger: Logger;
  /** Topic filters the agent wants now; re-read on every connect and every syncSubscriptions(). */
  subscriptions: () => readonly string[];
  onMessage: (topic: string, payload: Buffer) => void;
  /** After subscriptions and the online presence are in place. */
  onConnect: (session: string) => void;
  onDisconnect: () => void;
  random?: () => number;
  now?: () => number;
  connectTimeoutMs?: number;
  /** Bound on each step of a clean shutdown, so stop() returns even with a dead link. */
  shutdownTimeoutMs?: number;
}

export interface MqttConnection {
  start(): void;
  /** Publishes the offline presence (when connected), then closes. Never reconnects afterwards. */
  stop(): Promise<void>;
  publish(out: Outgoing): Promise<void>;
  isConnected(): boolean;
  /** Random id of the current connection, carried by presence and heartbeats. */
  session(): string | null;
  /** Subscribes/unsubscribes so the broker matches `subscriptions()`; a no-op while offline. */
  syncSubscriptions(): Promise<void>;
}

/**
 * One MQTT session per receiver. MQTT.js's fixed-period reconnect is off (reconnectPeriod 0): we drive
 * reconnects with exponential backoff and full jitter so a fleet does not stampede a restarted broker.
 * Each connection gets a fresh `session`: the Will (retained offline presence) carries it, so the server
 * can ignore a late Will of an older connection.
 */
/** How long a connection must last before the reconnect backoff starts again from its base. */
const STABLE_CONNECTION_MS = 30_000;

export function createMqttConnection(opts: MqttConnectionOptions): MqttConnection {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 3_000;
  const log = opts.logger;
  let client: MqttClient | null = null;
  let session: string | null = null;
  let connected = false;
  let stopping = false;
  let attempt = 0;
  let connectedAt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let subscribed = new Set<string>();
  // Subscription changes run one after another so a connect and a desired-state change cannot race.
  let subscriptionChain: Promise<void> = Promise.resolve();

  const presence = (state: 'online' | 'offline', forSession: string) =>
    encodeForDevice('presence', opts.deviceId, {
      v: 1,
      id: randomUUID(),
      ts: now(),
      state,
      session: forSession,
      agentVersion: opts.agentVersion.slice(0, 40),
    });

  const willFor = (forSession: string): IClientOptions['will'] => {
    const out = presence('offline', forSession);
    return { topic: out.topic, payload: out.payload, qos: out.qos, retain: out.retain };
  };

  const publish = async (out: Outgoing): Promise<void> => {
    if (!client) throw new Error('not started');
    await client.publishAsync(out.topic, out.payload, { qos: out.qos, retain: out.retain });
  };

  async function applySubscriptions(): Promise<void> {
    const c = client;
    if (!c || !connected) return;
    const wanted = new Set(opts.subscriptions());
    const toRemove = [...subscribed].filter((t) => !wanted.has(t));
    const toAdd = [...wanted].filter((t) => !subscribed.has(t));
    if (toRemove.length) {
      await c.unsubscribeAsync(toRemove);
      for (const t of toRemove) subscribed.delete(t);
    }
    if (toAdd.length) {
      const grants = await c.subscribeAsync(toAdd, { qos: 1 });
      for (const g of grants) {
        // MQTT 3.1.1 refuses a subscription with granted QoS 128 (e.g. the broker's ACL).
        if (g.qos === 128) log.warn({ topic: g.topic }, 'subscription refused by broker');
        else subscribed.add(g.topic);
      }
    }
  }

  const syncSubscriptions = (): Promise<void> => {
    subscriptionChain = subscriptionChain
      .then(applySubscriptions)
      .catch((err) => log.warn({ err }, 'subscription update failed; retried on next connect'));
    return subscriptionChain;
  };

  async function onConnected(c: MqttClient, forSession: string): Promise<void> {
    // Subscribe before announcing online: a server reacting to presence must find us listening.
    await syncSubscriptions();
    if (stopping || c !== client || session !== forSession || !connected) return;
    await publish(presence('online', forSession)).catch((err) => log.warn({ err }, 'online presence not sent'));
    if (stopping || c !== client || session !== forSession || !connected) return;
    log.info({ session: forSession }, 'connected');
    opts.onConnect(forSession);
  }

  function scheduleReconnect(c: MqttClient): void {
    if (stopping || reconnectTimer) return;
    const delay = backoffDelayMs(attempt++, RECONNECT_BACKOFF, random);
    log.info({ delayMs: delay, attempt }, 'reconnecting after backoff');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (stopping) return;
      session = randomUUID();
      c.options.will = willFor(session);
      // Keep the stores: QoS 1 messages not yet acknowledged (playback logs) are re-sent on the new connection.
      c.reconnect({ incomingStore: c.incomingStore, outgoingStore: c.outgoingStore });
    }, delay);
  }

  function wire(c: MqttClient): void {
    c.on('connect', () => {
      connected = true;
      connectedAt = now();
      subscribed = new Set();
      const s = session;
      if (s) void onConnected(c, s);
    });
    c.on('close', () => {
      const was = connected;
      connected = false;
      // Only a connection that stayed up resets the backoff: a broker that accepts and then kicks us
      // (a duplicate client id, a revoked device) must not turn into a tight reconnect loop.
      if (was && now() - connectedAt >= STABLE_CONNECTION_MS) attempt = 0;
      if (was) {
        if (stopping) log.info('disconnected on stop');
        else log.warn('disconnected');
        opts.onDisconnect();
      }
      scheduleReconnect(c);
    });
    c.on('error', (err) => {
      // Connection errors repeat on every retry of a dead link: code and message say enough.
      log.warn({ code: (err as { code?: unknown }).code, reason: err.message }, 'mqtt error');
    });
    c.on('message', (topic, payload) => opts.onMessage(topic, payload));
  }

  return {
    start() {
      if (client) return;
      stopping = false;
      session = randomUUID();
      client = mqtt.connect(opts.brokerUrl, {
        protocolVersion: 4,
        clientId: opts.deviceId,
        username: opts.deviceId,
        password: opts.secret,
        clean: true,
        keepalive: 30,
        reconnectPeriod: 0,
        connectTimeout: opts.connectTimeoutMs ?? 30_000,
        // A stale heartbeat is worthless after an outage; QoS 1 logs still queue.
        queueQoSZero: false,
        resubscribe: false,
        // MQTT.js would otherwise pre-build 65,536 two-byte Buffers for packet ids: about 6 MB of heap,
        // a tenth of a receiver's memory budget (issue 5 item 10), to save a 2-byte allocation per packet.
        writeCache: false,
        will: willFor(session),
      });
      wire(client);
    },
    async stop() {
      stopping = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const c = client;
      if (!c) return;
      const s = session;
      if (connected && s) {
        await withTimeout(publish(presence('offline', s)), shutdownTimeoutMs).catch((err) =>
          log.warn({ err }, 'offline presence not sent; the broker will publish the Will'),
        );
      }
      await withTimeout(c.endAsync(!connected), shutdownTimeoutMs).catch(() => c.end(true));
      c.removeAllListeners();
      // A late stream error after end() must not become an unhandled 'error' event.
      c.on('error', () => {});
      client = null;
      connected = false;
      session = null;
    },
    publish,
    isConnected: () => connected,
    session: () => (connected ? session : null),
    syncSubscriptions,
  };
}
