import type { Outgoing } from '@nguon/protocols';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../connection/backoff.js';
import type { EnqueueResult, OutboxClass, OutboxStats, OutboxStore } from './outbox-store.js';

export interface Outbox {
  /** Writes `out` to disk (durable on return), then sends it once connected. Never throws. */
  enqueue(id: string, cls: OutboxClass, out: Outgoing): EnqueueResult;
  /** Call on every (re)connect: sends everything still on disk, oldest first. */
  onConnect(): void;
  /** Resolves true once every row was acknowledged, false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Rows on disk not yet acknowledged. */
  pending(): number;
  stats(): OutboxStats;
  close(): void;
}

export interface OutboxOptions {
  store: OutboxStore;
  /** Resolves on the broker's PUBACK (MQTT.js publishAsync with QoS 1). */
  publish: (out: Outgoing) => Promise<void>;
  connected: () => boolean;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Messages in flight at once: enough to fill a slow link, few enough to keep MQTT.js's store small. */
  window?: number;
}

const RETRY_BACKOFF = { baseMs: 1_000, capMs: 60_000 };

/**
 * Sends the on-disk outbox, oldest first, and deletes a row only after the broker acknowledged it.
 * A publish left pending by a dropped link stays in MQTT.js's store and is re-sent by it on the next
 * connection (the connection keeps its stores), so it is not sent a second time from here. A crash
 * between acknowledgement and delete re-sends the row: the server drops duplicates by message id.
 */
export function createOutbox(opts: OutboxOptions): Outbox {
  const { store, logger: log } = opts;
  const now = opts.now ?? Date.now;
  const window = opts.window ?? 16;
  const inflight = new Set<string>();
  const acked = new Set<string>();
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let deleteScheduled = false;
  let pumpScheduled = false;
  let closed = false;
  let waiters: Array<() => void> = [];

  const pending = () => store.stats().rows - acked.size;

  function settleWaiters(): void {
    if (pending() > 0 || waiters.length === 0) return;
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
  }

  /** Deletes acknowledged rows in one transaction: one fsync for a burst of acks, not one each. */
  function deleteAcked(): void {
    deleteScheduled = false;
    const ids = [...acked];
    try {
      store.remove(ids);
      for (const id of ids) acked.delete(id);
    } catch (err) {
      log.error({ err }, 'outbox: could not delete acknowledged rows; they may be sent again');
    }
    settleWaiters();
  }

  async function send(id: string, out: Outgoing): Promise<void> {
    inflight.add(id);
    try {
      await opts.publish(out);
      if (closed) return; // the database is closed; the row is sent again after the restart
      acked.add(id);
      failures = 0;
      if (!deleteScheduled) {
        deleteScheduled = true;
        setImmediate(deleteAcked);
      }
    } catch (err) {
      if (!closed) scheduleRetry(err);
    } finally {
      inflight.delete(id);
      pump();
    }
  }

  function scheduleRetry(err: unknown): void {
    if (retryTimer) return;
    const delay = backoffDelayMs(failures++, RETRY_BACKOFF, opts.random);
    log.warn({ err, delayMs: delay }, 'outbox: publish failed, retrying');
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      pump();
    }, delay);
  }

  function pump(): void {
    if (closed || retryTimer || !opts.connected()) return;
    const room = window - inflight.size;
    if (room <= 0) return;
    let items: ReturnType<OutboxStore['oldest']>;
    try {
      items = store.oldest(room, new Set([...inflight, ...acked]));
    } catch (err) {
      scheduleRetry(err);
      return;
    }
    for (const item of items) void send(item.id, item.out);
  }

  /** Deferred so an enqueue inside a caller's transaction is committed before it is read back. */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    queueMicrotask(() => {
      pumpScheduled = false;
      pump();
    });
  }

  return {
    enqueue(id, cls, out) {
      let result: EnqueueResult;
      try {
        result = store.enqueue(id, cls, out, now());
      } catch (err) {
        log.error({ err, id, topic: out.topic }, 'outbox: could not store a message');
        return 'refused';
      }
      if (result === 'refused') {
        const level = cls === 'log' ? 'error' : 'warn';
        log[level]({ id, cls, stats: store.stats() }, 'outbox full: message refused');
      }
      schedulePump();
      return result;
    },
    onConnect() {
      failures = 0;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      pump();
    },
    flush(timeoutMs) {
      if (pending() === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        waiters.push(done);
      });
    },
    pending,
    stats: () => store.stats(),
    close() {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      if (acked.size > 0) deleteAcked();
    },
  };
}
