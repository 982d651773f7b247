import { EventEmitter } from 'node:events';
import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { alerts, units } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import { type AlertKind, alertTitle, type Condition } from './alert-rules.js';
import type { MonitoringConfig } from './monitoring.config.js';

export type AlertRow = typeof alerts.$inferSelect;
export type AlertView = AlertRow & { unitCode: string; unitName: string };
export type AlertEventName = 'opened' | 'updated' | 'acknowledged' | 'resolved';
export interface AlertEvent {
  event: AlertEventName;
  at: number;
  alert: AlertView;
}

export interface AlertQuery {
  state?: 'open' | 'acknowledged' | 'resolved' | 'active' | undefined;
  kind?: AlertKind | undefined;
  unitIds?: number[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

const ACTIVE = ['open', 'acknowledged'];

/**
 * Alerts stored grouped by (kind, unit) and reconciled against the rules on every pass: a new
 * condition opens an alert, a changed one updates it, a cleared one resolves it automatically. Every
 * change is emitted once (`events`), for the console's live stream and the webhooks.
 */
export function createAlertsService(deps: {
  db: Db;
  scopes: ScopeQueries;
  clock: () => number;
  thresholds: MonitoringConfig['alerts'];
}) {
  const { db, scopes, clock } = deps;
  const events = new EventEmitter();
  events.setMaxListeners(0);

  const unitInfo = (id: number) =>
    db.select({ code: units.code, name: units.name }).from(units).where(eq(units.id, id)).get();
  const view = (r: AlertRow): AlertView => {
    const u = unitInfo(r.unitId);
    return { ...r, unitCode: u?.code ?? '', unitName: u?.name ?? '' };
  };
  const emit = (event: AlertEventName, r: AlertRow) => {
    const e: AlertEvent = { event, at: clock(), alert: view(r) };
    events.emit('alert', e);
  };
  const get = (id: number) => db.select().from(alerts).where(eq(alerts.id, id)).get();

  return {
    events,

    /** One reconciliation pass; returns the events it emitted. */
    reconcile(conditions: Condition[]): number {
      const now = clock();
      const active = db.select().from(alerts).where(inArray(alerts.state, ACTIVE)).all();
      const byKey = new Map<string, AlertRow>();
      const extras: AlertRow[] = [];
      for (const a of active) {
        const k = `${a.kind}|${a.unitId}`;
        if (byKey.has(k)) extras.push(a);
        else byKey.set(k, a);
      }
      const out: Array<[AlertEventName, AlertRow]> = [];
      db.transaction((tx) => {
        for (const c of conditions) {
          const key = `${c.kind}|${c.unitId}`;
          const cur = byKey.get(key);
          byKey.delete(key);
          const title = alertTitle(c, unitInfo(c.unitId)?.name ?? String(c.unitId), deps.thresholds);
          const details = { ...c.details, count: c.devices.length };
          if (!cur) {
            const row = tx
              .insert(alerts)
              .values({
                kind: c.kind,
                unitId: c.unitId,
                severity: c.severity,
                state: 'open',
                title,
                devices: c.devices,
                details,
                openedAt: now,
                updatedAt: now,
              })
              .returning()
              .get();
            out.push(['opened', row]);
          } else if (cur.title !== title || cur.devices.join() !== c.devices.join()) {
            const row = tx
              .update(alerts)
              .set({ title, devices: c.devices, details, updatedAt: now })
              .where(eq(alerts.id, cur.id))
              .returning()
              .get();
            out.push(['updated', row]);
          }
        }
        for (const cur of [...byKey.values(), ...extras]) {
          const row = tx
            .update(alerts)
            .set({ state: 'resolved', resolvedAt: now, updatedAt: now })
            .where(eq(alerts.id, cur.id))
            .returning()
            .get();
          out.push(['resolved', row]);
        }
      });
      for (const [e, r] of out) emit(e, r);
      return out.length;
    },

    /** Opens an alert outside the evaluation pass (tests, and rules evaluated elsewhere); the next pass reconciles it. */
    open(c: Condition): AlertView {
      const now = clock();
      const title = alertTitle(c, unitInfo(c.unitId)?.name ?? String(c.unitId), deps.thresholds);
      const row = db
        .insert(alerts)
        .values({
          kind: c.kind,
          unitId: c.unitId,
          severity: c.severity,
          state: 'open',
          title,
          devices: c.devices,
          details: { ...c.details, count: c.devices.length },
          openedAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      emit('opened', row);
      return view(row);
    },

    get(id: number): AlertView {
      const r = get(id);
      if (!r) throw notFound(`alert ${id}`);
      return view(r);
    },
    unitOf(id: number): number {
      const r = get(id);
      if (!r) throw notFound(`alert ${id}`);
      return r.unitId;
    },

    acknowledge(id: number, userId: number): AlertView {
      const r = get(id);
      if (!r) throw notFound(`alert ${id}`);
      if (r.state !== 'open') throw new AppError('conflict', `alert ${id} is ${r.state}, not open`);
      const row = db
        .update(alerts)
        .set({ state: 'acknowledged', ackedAt: clock(), ackedBy: userId, updatedAt: clock() })
        .where(eq(alerts.id, id))
        .returning()
        .get();
      emit('acknowledged', row);
      return view(row);
    },

    /** By hand; if the condition still holds, the next pass opens a new alert. */
    resolve(id: number, userId: number): AlertView {
      const r = get(id);
      if (!r) throw notFound(`alert ${id}`);
      if (r.state === 'resolved') throw new AppError('conflict', `alert ${id} is already resolved`);
      const row = db
        .update(alerts)
        .set({ state: 'resolved', resolvedAt: clock(), resolvedBy: userId, updatedAt: clock() })
        .where(eq(alerts.id, id))
        .returning()
        .get();
      emit('resolved', row);
      return view(row);
    },

    list(scope: Scope, q: AlertQuery): AlertView[] {
      const where: SQL[] = [];
      if (!scope.all) where.push(inArray(alerts.unitId, scopes.subtreeIds(scope.unitId)));
      if (q.unitIds) where.push(inArray(alerts.unitId, q.unitIds));
      if (q.state === 'active') where.push(inArray(alerts.state, ACTIVE));
      else if (q.state) where.push(eq(alerts.state, q.state));
      if (q.kind) where.push(eq(alerts.kind, q.kind));
      if (q.from !== undefined) where.push(gte(alerts.openedAt, q.from));
      if (q.to !== undefined) where.push(lt(alerts.openedAt, q.to));
      return db
        .select()
        .from(alerts)
        .where(and(...where))
        .orderBy(desc(alerts.id))
        .limit(q.limit)
        .all()
        .map(view);
    },
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
