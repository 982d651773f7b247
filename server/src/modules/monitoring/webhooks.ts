import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { alertDeliveries, alertWebhooks } from '../../db/schema.js';
import { notFound } from '../../errors.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { AlertEvent } from './alerts.service.js';

export type WebhookRow = typeof alertWebhooks.$inferSelect;
export type WebhookView = Omit<WebhookRow, 'secret'>;
const strip = ({ secret: _s, ...rest }: WebhookRow): WebhookView => rest;

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"): the receiver recomputes and compares. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const WEBHOOK_MAX_ATTEMPTS = 10;
const backoffMs = (attempt: number) => Math.min(600_000, 1000 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);

/**
 * Alert webhooks (issue 8): each alert event is queued per webhook whose unit covers the alert's unit
 * (an outbox table, so a restart loses nothing), POSTed as JSON with an HMAC signature, retried with
 * exponential backoff up to WEBHOOK_MAX_ATTEMPTS. Each webhook has at most one request in flight and a
 * timeout, so one that errors or hangs delays only its own queue.
 */
export function createWebhooks(deps: {
  db: Db;
  scopes: ScopeQueries;
  clock: () => number;
  log: Logger;
  timeoutMs?: number;
}) {
  const { db, scopes, clock, log } = deps;
  const timeoutMs = deps.timeoutMs ?? 5000;
  const inflight = new Set<number>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const get = (id: number) => {
    const r = db.select().from(alertWebhooks).where(eq(alertWebhooks.id, id)).get();
    if (!r) throw notFound(`webhook ${id}`);
    return r;
  };

  async function send(d: typeof alertDeliveries.$inferSelect, hook: WebhookRow): Promise<void> {
    const ts = clock();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'nguon-alerts/1',
          'x-nguon-event': d.event,
          'x-nguon-delivery': String(d.id),
          'x-nguon-timestamp': String(ts),
          'x-nguon-signature': signWebhook(hook.secret, ts, d.payload),
        },
        body: d.payload,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : String((err as Error).message);
    }
    const attempts = d.attempts + 1;
    const now = clock();
    if (!error) {
      db.update(alertDeliveries)
        .set({ state: 'delivered', attempts, lastStatus: status, lastError: null, deliveredAt: now })
        .where(eq(alertDeliveries.id, d.id))
        .run();
      return;
    }
    const failed = attempts >= WEBHOOK_MAX_ATTEMPTS;
    db.update(alertDeliveries)
      .set({
        state: failed ? 'failed' : 'pending',
        attempts,
        lastStatus: status,
        lastError: error.slice(0, 500),
        nextAttemptAt: now + backoffMs(attempts),
      })
      .where(eq(alertDeliveries.id, d.id))
      .run();
    log.warn({ webhookId: hook.id, deliveryId: d.id, attempts, error, failed }, 'alert webhook delivery failed');
  }

  /** Starts the oldest due delivery of every idle webhook (order is kept per webhook). */
  function pump(): void {
    if (closed) return;
    const now = clock();
    const pending = db
      .select()
      .from(alertDeliveries)
      .where(eq(alertDeliveries.state, 'pending'))
      .orderBy(asc(alertDeliveries.id))
      .limit(500)
      .all();
    const firstPerHook = new Map<number, (typeof pending)[number]>();
    for (const d of pending) if (!firstPerHook.has(d.webhookId)) firstPerHook.set(d.webhookId, d);
    for (const [hookId, d] of firstPerHook) {
      if (inflight.has(hookId) || d.nextAttemptAt > now) continue;
      const hook = db.select().from(alertWebhooks).where(eq(alertWebhooks.id, hookId)).get();
      if (!hook?.enabled) {
        db.update(alertDeliveries)
          .set({ state: 'cancelled' })
          .where(and(eq(alertDeliveries.webhookId, hookId), eq(alertDeliveries.state, 'pending')))
          .run();
        continue;
      }
      inflight.add(hookId);
      void send(d, hook)
        .catch((err) => log.error({ err }, 'webhook send crashed'))
        .finally(() => {
          inflight.delete(hookId);
          setImmediate(pump);
        });
    }
  }

  return {
    start() {
      timer = setInterval(pump, 500);
      timer.unref();
      pump();
    },
    close() {
      closed = true;
      clearInterval(timer);
    },
    /** Queues an event for every enabled webhook whose unit covers the alert's unit. */
    enqueue(e: AlertEvent): void {
      const hooks = db.select().from(alertWebhooks).where(eq(alertWebhooks.enabled, true)).all();
      const now = clock();
      const payload = JSON.stringify({ event: e.event, at: e.at, alert: e.alert });
      const rows = hooks
        .filter((h) => scopes.contains(h.unitId, e.alert.unitId))
        .map((h) => ({
          webhookId: h.id,
          alertId: e.alert.id,
          event: e.event,
          payload,
          state: 'pending',
          nextAttemptAt: now,
          createdAt: now,
        }));
      if (rows.length === 0) return;
      db.insert(alertDeliveries).values(rows).run();
      setImmediate(pump);
    },

    create(input: { unitId: number; name: string; url: string; createdBy: number | null }): {
      webhook: WebhookView;
      secret: string;
    } {
      const secret = randomBytes(32).toString('base64url');
      const row = db
        .insert(alertWebhooks)
        .values({ ...input, secret, enabled: true, createdAt: clock() })
        .returning()
        .get();
      return { webhook: strip(row), secret };
    },
    update(
      id: number,
      patch: { name?: string | undefined; url?: string | undefined; enabled?: boolean | undefined },
    ): WebhookView {
      get(id);
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      return strip(db.update(alertWebhooks).set(set).where(eq(alertWebhooks.id, id)).returning().get() as WebhookRow);
    },
    remove(id: number): void {
      get(id);
      db.delete(alertWebhooks).where(eq(alertWebhooks.id, id)).run();
      db.update(alertDeliveries)
        .set({ state: 'cancelled' })
        .where(and(eq(alertDeliveries.webhookId, id), eq(alertDeliveries.state, 'pending')))
        .run();
    },
    unitOf: (id: number) => get(id).unitId,
    list(scope: Scope): WebhookView[] {
      const q = db.select().from(alertWebhooks);
      const rows = scope.all ? q.all() : q.where(inArray(alertWebhooks.unitId, scopes.subtreeIds(scope.unitId))).all();
      return rows.map(strip);
    },
    deliveries(webhookId: number, limit = 50) {
      return db
        .select()
        .from(alertDeliveries)
        .where(eq(alertDeliveries.webhookId, webhookId))
        .orderBy(desc(alertDeliveries.id))
        .limit(limit)
        .all()
        .map(({ payload: _p, ...d }) => d);
    },
    /** For tests and the console: deliveries due but not yet sent. */
    due: () =>
      db
        .select()
        .from(alertDeliveries)
        .where(and(eq(alertDeliveries.state, 'pending'), lte(alertDeliveries.nextAttemptAt, clock())))
        .all().length,
  };
}
export type Webhooks = ReturnType<typeof createWebhooks>;
