import type Database from 'better-sqlite3';
import type { TransitionsQuery } from '../monitoring/transitions.js';
import { type Uptime, uptimeOf, vnDays } from '../monitoring/uptime.js';
import type { ProofOfPlay } from '../schedules/proof-of-play.js';
import type { ScopeQueries } from '../units/scope.js';
import type { EmergencyReportSource, EmergencySection } from './emergency-section.js';

interface UnitRow {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
}
interface DeviceRow {
  id: string;
  unitId: number;
  name: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface UnitFigures {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  receivers: number;
  onlineMs: number;
  windowMs: number;
  /** Sum of online time over sum of existing time of its receivers; null without receivers. */
  uptime: number | null;
  scheduled: number;
  played: number;
  missed: number;
  plays: number;
  airtimeMs: number;
}

export interface DayFigures {
  day: string;
  uptime: number | null;
  scheduled: number;
  played: number;
  missed: number;
  plays: number;
  airtimeMs: number;
}

export interface UnitReport {
  unit: { code: string; name: string; level: string };
  from: number;
  to: number;
  totals: UnitFigures;
  /** The unit and every unit below it, each with the figures of its whole subtree. */
  units: UnitFigures[];
  receivers: Array<{
    id: string;
    name: string;
    unitCode: string;
    onlineMs: number;
    windowMs: number;
    uptime: number | null;
  }>;
  /** For the console's charts: one entry per Vietnam calendar day. */
  series: DayFigures[];
  emergencies: EmergencySection;
}

const PLAYED_EVENTS = "('finished', 'stopped', 'interrupted')";
const VN = 7 * 3_600_000;
const DAY = 86_400_000;
const vnDay = (t: number) => new Date(Math.floor((t + VN) / DAY) * DAY).toISOString().slice(0, 10);
const ratio = (u: { onlineMs: number; windowMs: number }) => (u.windowMs === 0 ? null : u.onlineMs / u.windowMs);

/**
 * Reports per unit and period, aggregated up the tree (issue 8): receivers and their exact uptime,
 * scheduled vs played (proof of play), airtime (sum of played durations), emergencies, and daily series.
 */
export function createReports(deps: {
  sqlite: Database.Database;
  scopes: ScopeQueries;
  transitions: TransitionsQuery;
  proof: ProofOfPlay;
  emergencies: EmergencyReportSource;
  clock: () => number;
  /** Flushes pending ingest so the report includes what just arrived. */
  flush?: () => void;
}) {
  const { sqlite } = deps;
  const unitsOf = sqlite.prepare(
    'SELECT id, code, name, level, parent_id AS parentId FROM units WHERE id IN (SELECT value FROM json_each(?))',
  );
  const devicesOf = sqlite.prepare(
    `SELECT id, unit_id AS unitId, name, created_at AS createdAt, revoked_at AS revokedAt FROM devices
     WHERE unit_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  );
  const codeOf = sqlite.prepare('SELECT code FROM units WHERE id = ?').pluck();
  const playsOf = sqlite.prepare(
    `SELECT device_id AS id, coalesce(started_at, received_at) AS at, coalesce(played_ms, 0) AS ms FROM playback_logs
     WHERE device_id IN (SELECT value FROM json_each(?)) AND event IN ${PLAYED_EVENTS}
       AND coalesce(started_at, received_at) >= ? AND coalesce(started_at, received_at) < ?`,
  );

  return {
    report(unitId: number, from: number, to: number): UnitReport {
      deps.flush?.();
      const subtree = deps.scopes.subtreeIds(unitId);
      const unitRows = unitsOf.all(JSON.stringify(subtree)) as UnitRow[];
      const byId = new Map(unitRows.map((u) => [u.id, u]));
      const devices = devicesOf.all(JSON.stringify(subtree)) as DeviceRow[];
      const deviceUnit = new Map(devices.map((d) => [d.id, d.unitId]));
      const ids = devices.map((d) => d.id);
      const upTo = Math.max(from, Math.min(to, deps.clock()));
      const tr = deps.transitions(ids, from, upTo);
      const days = vnDays(from, to);

      const fig = new Map<number, UnitFigures>();
      const blank = (u: UnitRow): UnitFigures => ({
        code: u.code,
        name: u.name,
        level: u.level,
        parentCode:
          u.parentId === null
            ? null
            : (byId.get(u.parentId)?.code ?? (codeOf.get(u.parentId) as string | undefined) ?? null),
        receivers: 0,
        onlineMs: 0,
        windowMs: 0,
        uptime: null,
        scheduled: 0,
        played: 0,
        missed: 0,
        plays: 0,
        airtimeMs: 0,
      });
      for (const u of unitRows) fig.set(u.id, blank(u));
      // Adds to a receiver's unit and every ancestor up to the report's unit.
      const up = (uid: number | undefined, f: (x: UnitFigures) => void) => {
        let cur = uid === undefined ? undefined : byId.get(uid);
        for (let depth = 0; cur && depth < 64; depth++) {
          const x = fig.get(cur.id);
          if (x) f(x);
          if (cur.id === unitId || cur.parentId === null) break;
          cur = byId.get(cur.parentId);
        }
      };

      const series: DayFigures[] = days.map((d) => ({
        day: d.day,
        uptime: null,
        scheduled: 0,
        played: 0,
        missed: 0,
        plays: 0,
        airtimeMs: 0,
      }));
      const dayIdx = new Map(series.map((s, i) => [s.day, i]));
      const dayUp: Uptime[] = days.map(() => ({ onlineMs: 0, windowMs: 0 }));
      const receivers: UnitReport['receivers'] = [];
      for (const d of devices) {
        const t = tr.get(d.id) ?? { before: 'offline' as const, transitions: [] };
        const existed = { from: d.createdAt, to: d.revokedAt ?? Number.POSITIVE_INFINITY };
        const u = uptimeOf(t.before, t.transitions, { from, to: upTo }, existed);
        receivers.push({ id: d.id, name: d.name, unitCode: byId.get(d.unitId)?.code ?? '', ...u, uptime: ratio(u) });
        up(d.unitId, (x) => {
          x.receivers++;
          x.onlineMs += u.onlineMs;
          x.windowMs += u.windowMs;
        });
        days.forEach((day, i) => {
          const du = uptimeOf(t.before, t.transitions, { from: day.from, to: Math.min(day.to, upTo) }, existed);
          dayUp[i]!.onlineMs += du.onlineMs;
          dayUp[i]!.windowMs += du.windowMs;
        });
      }
      dayUp.forEach((u, i) => {
        series[i]!.uptime = ratio(u);
      });

      const proof = deps.proof.report(ids, from, to);
      for (const it of proof.items ?? []) {
        if (it.status === 'cancelled') continue;
        const k = it.status === 'played' ? 'played' : it.status === 'missed' ? 'missed' : null;
        up(deviceUnit.get(it.deviceId), (x) => {
          x.scheduled++;
          if (k) x[k]++;
        });
        const s = series[dayIdx.get(vnDay(it.plannedStart)) ?? -1];
        if (s) {
          s.scheduled++;
          if (k) s[k]++;
        }
      }
      for (const p of playsOf.all(JSON.stringify(ids), from, to) as Array<{ id: string; at: number; ms: number }>) {
        up(deviceUnit.get(p.id), (x) => {
          x.plays++;
          x.airtimeMs += p.ms;
        });
        const s = series[dayIdx.get(vnDay(p.at)) ?? -1];
        if (s) {
          s.plays++;
          s.airtimeMs += p.ms;
        }
      }
      for (const x of fig.values()) x.uptime = ratio(x);
      const top = byId.get(unitId);
      const totals = fig.get(unitId) ?? blank({ id: unitId, code: '', name: '', level: '', parentId: null });
      return {
        unit: { code: top?.code ?? '', name: top?.name ?? '', level: top?.level ?? '' },
        from,
        to,
        totals,
        units: [...fig.values()],
        receivers,
        series,
        emergencies: deps.emergencies(subtree, from, to),
      };
    },
  };
}
export type Reports = ReturnType<typeof createReports>;
