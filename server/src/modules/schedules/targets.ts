import type { ScheduleTarget } from '@nguon/schemas';
import { and, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { devices } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';

/** Turns schedule targets (unit subtrees, groups, single receivers) into receivers, within a scope. */
export function createTargetResolver(deps: {
  db: Db;
  units: UnitsService;
  devices: DevicesService;
  groups: GroupsService;
  scopes: ScopeQueries;
}) {
  const { db, units, scopes } = deps;

  function unitIdOf(t: ScheduleTarget): number {
    if ('unit' in t) {
      const u = units.byCode(t.unit);
      if (!u) throw new AppError('not_found', `target unit ${t.unit} not found`);
      return u.id;
    }
    if ('group' in t) return deps.groups.unitOf(t.group);
    return deps.devices.get(t.device).unitId;
  }

  return {
    /** Every target must lie in the caller's scope; the error names the first that does not. */
    assertInScope(scope: Scope, targets: ScheduleTarget[]): void {
      for (const t of targets) {
        if (!scopes.inScope(scope, unitIdOf(t)))
          throw new AppError('forbidden', `target ${JSON.stringify(t)} is outside your unit`);
      }
    },

    /** The receivers a schedule reaches now (revoked ones excluded). */
    devicesOf(targets: ScheduleTarget[]): Set<string> {
      const out = new Set<string>();
      for (const t of targets) {
        if ('device' in t) {
          const d = deps.devices.get(t.device);
          if (d.revokedAt === null) out.add(d.id);
        } else if ('group' in t) for (const id of deps.groups.devicesOf(t.group)) out.add(id);
        else {
          const ids = scopes.subtreeIds(unitIdOf(t));
          const rows = db
            .select({ id: devices.id })
            .from(devices)
            .where(and(inArray(devices.unitId, ids), isNull(devices.revokedAt)))
            .all();
          for (const r of rows) out.add(r.id);
        }
      }
      return out;
    },
  };
}
export type TargetResolver = ReturnType<typeof createTargetResolver>;
