import { and, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { deviceStatus, devices } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { EmergencyActor, EmergencyTargets } from './emergency.types.js';

export interface ResolvedTargets {
  /** Area paths to publish on, none below another (a subtree inside another target is covered by it). */
  areas: string[][];
  /** Single receivers not already inside a targeted area. */
  deviceTopics: string[];
  /** Units the targets lie in, for scoped lists. */
  targetUnitIds: number[];
}

/**
 * Checks every target exists and lies in the actor's subtree (all refused at once, with which), then
 * works out the topics: one per targeted area, one per single receiver outside those areas.
 */
export function createEmergencyTargets(deps: {
  db: Db;
  units: UnitsService;
  devices: DevicesService;
  scopes: ScopeQueries;
  isOnline?: (deviceId: string) => boolean;
}) {
  const { db, units, scopes } = deps;
  const inScope = (actor: EmergencyActor, unitId: number) => scopes.contains(actor.unitId, unitId);

  function check(targets: EmergencyTargets, actor: EmergencyActor): ResolvedTargets {
    const missing: string[] = [];
    const outOfScope: string[] = [];
    const unitPaths = new Map<number, string[]>();
    for (const id of new Set(targets.unitIds)) {
      const u = units.get(id);
      if (!u) missing.push(`unit ${id}`);
      else if (!inScope(actor, id)) outOfScope.push(`unit ${u.code}`);
      else unitPaths.set(id, units.path(id));
    }
    const singles: Array<{ id: string; path: string[]; unitId: number }> = [];
    for (const id of new Set(targets.deviceIds)) {
      const d = (() => {
        try {
          return deps.devices.get(id);
        } catch {
          return null;
        }
      })();
      if (!d || d.revokedAt !== null) missing.push(`device ${id}`);
      else if (!inScope(actor, d.unitId)) outOfScope.push(`device ${id}`);
      else singles.push({ id, path: units.path(d.unitId), unitId: d.unitId });
    }
    if (outOfScope.length > 0)
      throw new AppError('forbidden', `outside your unit: ${outOfScope.join(', ')}`, { outOfScope });
    if (missing.length > 0) throw new AppError('not_found', `not found: ${missing.join(', ')}`, { missing });
    if (unitPaths.size === 0 && singles.length === 0)
      throw new AppError('validation_failed', 'an emergency needs at least one target unit or receiver');
    const paths = [...unitPaths.values()];
    const covered = (p: string[]) =>
      paths.some((a) => a !== p && a.length <= p.length && a.every((c, i) => p[i] === c));
    return {
      areas: paths.filter((p) => !covered(p)),
      deviceTopics: singles.filter((s) => !covered(s.path)).map((s) => s.id),
      targetUnitIds: [...new Set([...unitPaths.keys(), ...singles.map((s) => s.unitId)])],
    };
  }

  /** Every non-revoked receiver the targets reach now, with whether it was online. */
  function receivers(targets: EmergencyTargets): Array<{ deviceId: string; online: boolean }> {
    const unitIds = [...new Set(targets.unitIds.flatMap((id) => scopes.subtreeIds(id)))];
    const ids = new Set<string>();
    for (let i = 0; i < unitIds.length; i += 500) {
      const rows = db
        .select({ id: devices.id })
        .from(devices)
        .where(and(inArray(devices.unitId, unitIds.slice(i, i + 500)), isNull(devices.revokedAt)))
        .all();
      for (const r of rows) ids.add(r.id);
    }
    for (const id of targets.deviceIds) ids.add(id);
    const { isOnline } = deps;
    if (isOnline) return [...ids].map((deviceId) => ({ deviceId, online: isOnline(deviceId) }));
    const online = new Set(
      db
        .select({ id: deviceStatus.deviceId, online: deviceStatus.online })
        .from(deviceStatus)
        .all()
        .filter((r) => r.online)
        .map((r) => r.id),
    );
    return [...ids].map((deviceId) => ({ deviceId, online: online.has(deviceId) }));
  }

  /** The deepest unit above every target: its subtree holds them all (null: no common root). */
  function commonUnit(targetUnitIds: number[]): number | null {
    const paths = targetUnitIds.map((id) => units.path(id));
    const first = paths[0];
    if (!first) return null;
    let n = first.length;
    for (const p of paths) while (n > 0 && p.slice(0, n).join('/') !== first.slice(0, n).join('/')) n--;
    return n === 0 ? null : (units.byCode(first[n - 1]!)?.id ?? null);
  }

  return { check, receivers, commonUnit };
}
export type EmergencyTargetResolver = ReturnType<typeof createEmergencyTargets>;
