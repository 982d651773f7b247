/**
 * Which receivers a CAP alert's areas reach: units named by geocode (GEOCODE_UNIT) and receivers whose
 * position lies in a polygon or circle. Everything is clipped to the sender's unit subtree: geometry
 * only looks at receivers there, and a geocode naming a unit outside it refuses the alert.
 */
import { and, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { devices } from '../../db/schema.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { inCircle, inPolygon, type LatLon } from './cap-geo.js';
import type { CapArea } from './cap-message.js';
import { hasGeometry, unitCodesOf } from './cap-rules.js';

export interface ResolvedTargets {
  unitIds: number[];
  deviceIds: string[];
  /** Receivers reached (unit subtrees and single receivers together, each counted once). */
  receivers: number;
  unknownCodes: string[];
  outsideCodes: string[];
}

export interface TargetDeps {
  db: Db;
  units: Pick<UnitsService, 'byCode'>;
  scopes: ScopeQueries;
}

const SQL_CHUNK = 500;

function liveDevicesIn(db: Db, unitIds: number[], positioned: boolean) {
  const rows: Array<{ id: string; lat: number | null; lon: number | null }> = [];
  for (let i = 0; i < unitIds.length; i += SQL_CHUNK) {
    const chunk = unitIds.slice(i, i + SQL_CHUNK);
    const where = positioned
      ? and(inArray(devices.unitId, chunk), isNull(devices.revokedAt), isNotNull(devices.lat), isNotNull(devices.lon))
      : and(inArray(devices.unitId, chunk), isNull(devices.revokedAt));
    rows.push(...db.select({ id: devices.id, lat: devices.lat, lon: devices.lon }).from(devices).where(where).all());
  }
  return rows;
}

function inAnyShape(p: LatLon, areas: CapArea[]): boolean {
  return areas.some((a) => a.polygons.some((ring) => inPolygon(p, ring)) || a.circles.some((c) => inCircle(p, c)));
}

export function resolveTargets(deps: TargetDeps, areas: CapArea[], senderUnitId: number): ResolvedTargets {
  const unitIds: number[] = [];
  const unknownCodes: string[] = [];
  const outsideCodes: string[] = [];
  for (const code of unitCodesOf(areas)) {
    const unit = deps.units.byCode(code);
    if (!unit) unknownCodes.push(code);
    else if (!deps.scopes.contains(senderUnitId, unit.id)) outsideCodes.push(code);
    else if (!unitIds.includes(unit.id)) unitIds.push(unit.id);
  }
  const covered = new Set(unitIds.flatMap((id) => deps.scopes.subtreeIds(id)));
  const inUnits = new Set(liveDevicesIn(deps.db, [...covered], false).map((d) => d.id));
  const deviceIds: string[] = [];
  if (hasGeometry(areas)) {
    const candidates = liveDevicesIn(deps.db, deps.scopes.subtreeIds(senderUnitId), true);
    for (const d of candidates) {
      if (inUnits.has(d.id)) continue;
      if (inAnyShape({ lat: d.lat as number, lon: d.lon as number }, areas)) deviceIds.push(d.id);
    }
  }
  return { unitIds, deviceIds, receivers: inUnits.size + deviceIds.length, unknownCodes, outsideCodes };
}
