import type { Logger } from 'pino';
import type { Collector, StationInfo } from './collect.js';
import { OUTBOX_KINDS, type Outbox, type OutboxKind } from './outbox.js';
import { MAX_BATCH, WIRE_VERSION } from './vocabulary.js';

/** Where each outbox kind goes on the national side (relative to NGUON_UPLINK_URL). */
const PATHS: Record<OutboxKind, string> = { status: '/v1/status', playlog: '/v1/playlogs', schedule: '/v1/schedules' };
export const BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000 };
/** Batches per kind in one round: a long backlog drains over a few rounds without hogging the link. */
const BATCHES_PER_ROUND = 20;

/**
 * Exponential backoff with "equal jitter": half the window fixed, half random, so many provinces
 * coming back after a national outage do not retry in step.
 */
export function backoffDelay(failures: number, random: () => number = Math.random, o = BACKOFF): number {
  const window = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(window / 2 + (random() * window) / 2);
}

export class UplinkHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UplinkHttpError';
  }
}

export interface UplinkClient {
  post(path: string, body: unknown, signal: AbortSignal): Promise<unknown>;
  get(path: string, signal: AbortSignal): Promise<unknown>;
  /** The raw bytes of a download (national bulletin audio). */
  download(path: string, signal: AbortSignal): Promise<Buffer>;
}

/** JSON over HTTPS with a bearer token; anything but 2xx is an error, and every call has a deadline. */
export function createUplinkClient(
  cfg: { url: string; token: string; timeoutMs: number },
  fetchFn = fetch,
): UplinkClient {
  async function call(method: string, path: string, signal: AbortSignal, body?: unknown) {
    const res = await fetchFn(`${cfg.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${cfg.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(cfg.timeoutMs)]),
    });
    if (!res.ok) {
      const text = (await res.text().catch(() => '')).slice(0, 300);
      throw new UplinkHttpError(res.status, `${method} ${path}: HTTP ${res.status} ${text}`);
    }
    return res;
  }
  return {
    post: async (path, body, signal) => (await call('POST', path, signal, body)).json(),
    get: async (path, signal) => (await call('GET', path, signal)).json(),
    download: async (path, signal) => Buffer.from(await (await call('GET', path, signal)).arrayBuffer()),
  };
}

export interface UplinkState {
  enabled: boolean;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: { at: number; message: string } | null;
  consecutiveFailures: number;
  nextAttemptAt: number | null;
  sent: Record<OutboxKind, number>;
}

/**
 * The loop that empties the outbox into the national system. A round: queue what changed, post
 * batches, mark rows sent only on 2xx, then pull national bulletins. On any error the round stops and
 * the next one waits with backoff; nothing in it blocks the server (every call is async with a deadline).
 */
export function createUplinkSender(deps: {
  outbox: Outbox;
  collector: Collector;
  client: UplinkClient;
  station: () => StationInfo;
  pullBulletins: (client: UplinkClient, signal: AbortSignal) => Promise<void>;
  intervalMs: number;
  clock: () => number;
  log: Logger;
  random?: () => number;
}) {
  const { outbox, collector, clock, log } = deps;
  const state: UplinkState = {
    enabled: true,
    lastAttemptAt: null,
    lastSuccessAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextAttemptAt: null,
    sent: { status: 0, playlog: 0, schedule: 0 },
  };
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function sendKind(kind: OutboxKind) {
    const station = deps.station();
    for (let i = 0; i < BATCHES_PER_ROUND; i++) {
      const rows = outbox.pending(kind, MAX_BATCH);
      if (rows.length === 0) return;
      await deps.client.post(
        PATHS[kind],
        {
          PhienBan: WIRE_VERSION,
          NguonID: station.stationId,
          TenNguon: station.stationName,
          MaTinh: station.provinceCode,
          ThoiDiemGui: new Date(clock()).toISOString(),
          DanhSach: rows.map((r) => r.payload),
        },
        stopping.signal,
      );
      outbox.markSent(rows, clock());
      state.sent[kind] += rows.length;
      if (rows.length < MAX_BATCH) return;
    }
  }

  /** One round; returns true when everything it tried succeeded. */
  async function round(): Promise<boolean> {
    state.lastAttemptAt = clock();
    try {
      collector.snapshotStatuses();
      // In chunks, a bounded number per round, so a long history never holds the event loop for long.
      for (let i = 0; i < 10 && collector.queuePlayLogs() > 0; i++);
      collector.snapshotSchedules();
      for (const kind of OUTBOX_KINDS) await sendKind(kind);
      await deps.pullBulletins(deps.client, stopping.signal);
      outbox.prune(clock());
      state.lastSuccessAt = clock();
      state.consecutiveFailures = 0;
      state.nextAttemptAt = clock() + deps.intervalMs;
      return true;
    } catch (err) {
      state.consecutiveFailures++;
      const message = err instanceof Error ? err.message : String(err);
      state.lastError = { at: clock(), message };
      state.nextAttemptAt = clock() + backoffDelay(state.consecutiveFailures, deps.random);
      if (!stopping.signal.aborted)
        log.warn(
          { err: message, failures: state.consecutiveFailures, retryAt: state.nextAttemptAt },
          'uplink round failed',
        );
      return false;
    }
  }

  function schedule(delayMs: number) {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      running = round().then(() => {
        running = null;
        schedule(Math.max(0, (state.nextAttemptAt ?? clock()) - clock()));
      });
    }, delayMs);
    timer.unref();
  }

  return {
    state,
    round,
    start: () => schedule(0),
    backlog: () => outbox.backlog(),
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
export type UplinkSender = ReturnType<typeof createUplinkSender>;
