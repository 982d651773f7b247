import { and, count, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { deviceGroupMembers, deviceGroups, devices, units } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { ReceiverChanges } from '../devices/receiver-changes.js';
import type { Scope, ScopeQueries } from '../units/scope.js';

/** A zone: a named set of receivers within one unit's area, for targeting broadcasts. */
export interface Group {
  id: number;
  unitId: number;
  unitCode: string;
  name: string;
  createdAt: number;
  deviceCount: number;
}

export interface GroupMember {
  id: string;
  name: string;
  unitId: number;
  revokedAt: number | null;
}

export interface GroupPatch {
  name?: string;
  add?: string[];
  remove?: string[];
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function createGroupsService(deps: {
  db: Db;
  scopes: ScopeQueries;
  /** Told of every membership change (programmes follow at once, issue 6). */
  changes?: Pick<ReceiverChanges, 'changed'>;
}) {
  const { db, scopes } = deps;

  const baseQuery = (q: Db | Tx) =>
    q
      .select({
        id: deviceGroups.id,
        unitId: deviceGroups.unitId,
        unitCode: units.code,
        name: deviceGroups.name,
        createdAt: deviceGroups.createdAt,
        deviceCount: count(deviceGroupMembers.deviceId),
      })
      .from(deviceGroups)
      .innerJoin(units, eq(units.id, deviceGroups.unitId))
      .leftJoin(deviceGroupMembers, eq(deviceGroupMembers.groupId, deviceGroups.id))
      .groupBy(deviceGroups.id)
      .$dynamic();

  function assertNameFree(tx: Tx, unitId: number, name: string, exceptId?: number): void {
    const clash = tx
      .select({ id: deviceGroups.id })
      .from(deviceGroups)
      .where(
        and(
          eq(deviceGroups.unitId, unitId),
          eq(deviceGroups.name, name),
          exceptId === undefined ? undefined : ne(deviceGroups.id, exceptId),
        ),
      )
      .get();
    if (clash) throw new AppError('conflict', `a group named "${name}" already exists in this unit`);
  }

  /** Members must exist (404), be live (422) and lie in the group's unit subtree (422), so a zone never
   * reaches past the unit that owns it — the caller's scope check on that unit then covers every member. */
  function assertMembersFit(tx: Tx, unitId: number, deviceIds: readonly string[]): void {
    if (deviceIds.length === 0) return;
    const rows = tx
      .select({ id: devices.id, unitId: devices.unitId, revokedAt: devices.revokedAt })
      .from(devices)
      .where(inArray(devices.id, [...deviceIds]))
      .all();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const area = new Set(scopes.subtreeIds(unitId));
    for (const id of deviceIds) {
      const row = byId.get(id);
      if (!row) throw notFound(`device ${id}`);
      if (row.revokedAt !== null) throw new AppError('unprocessable', `device ${id} is revoked`, { deviceId: id });
      if (!area.has(row.unitId))
        throw new AppError('unprocessable', `device ${id} lies outside the group's unit`, { deviceId: id });
    }
  }

  function addMembers(tx: Tx, groupId: number, deviceIds: readonly string[]): void {
    if (deviceIds.length === 0) return;
    tx.insert(deviceGroupMembers)
      .values(deviceIds.map((deviceId) => ({ groupId, deviceId })))
      .onConflictDoNothing()
      .run();
  }

  return {
    create(input: { unitId: number; name: string; deviceIds?: string[] }): Group {
      const ids = [...new Set(input.deviceIds ?? [])];
      const group = db.transaction((tx) => {
        assertNameFree(tx, input.unitId, input.name);
        assertMembersFit(tx, input.unitId, ids);
        const row = tx.insert(deviceGroups).values({ unitId: input.unitId, name: input.name }).returning().get();
        addMembers(tx, row.id, ids);
        return this.get(row.id);
      });
      deps.changes?.changed(ids);
      return group;
    },

    get(id: number): Group {
      const row = baseQuery(db).where(eq(deviceGroups.id, id)).get();
      if (!row) throw notFound(`group ${id}`);
      return row;
    },

    /** The unit a group belongs to, for access resolvers. */
    unitOf(id: number): number {
      return this.get(id).unitId;
    },

    list(scope?: Scope): Group[] {
      const q = baseQuery(db).orderBy(deviceGroups.unitId, deviceGroups.name);
      if (!scope || scope.all) return q.all();
      return q.where(inArray(deviceGroups.unitId, scopes.subtreeIds(scope.unitId))).all();
    },

    members(id: number): GroupMember[] {
      this.get(id);
      return db
        .select({ id: devices.id, name: devices.name, unitId: devices.unitId, revokedAt: devices.revokedAt })
        .from(deviceGroupMembers)
        .innerJoin(devices, eq(devices.id, deviceGroupMembers.deviceId))
        .where(eq(deviceGroupMembers.groupId, id))
        .orderBy(devices.name)
        .all();
    },

    /** Renames and changes membership at once; removing a non-member or adding a member again is a no-op. */
    update(id: number, patch: GroupPatch): Group {
      const add = [...new Set(patch.add ?? [])];
      const remove = [...new Set(patch.remove ?? [])];
      const updated = db.transaction((tx) => {
        const group = this.get(id);
        if (patch.name !== undefined && patch.name !== group.name) {
          assertNameFree(tx, group.unitId, patch.name, id);
          tx.update(deviceGroups).set({ name: patch.name }).where(eq(deviceGroups.id, id)).run();
        }
        if (remove.length > 0)
          tx.delete(deviceGroupMembers)
            .where(and(eq(deviceGroupMembers.groupId, id), inArray(deviceGroupMembers.deviceId, remove)))
            .run();
        assertMembersFit(tx, group.unitId, add);
        addMembers(tx, id, add);
        return this.get(id);
      });
      deps.changes?.changed([...add, ...remove]);
      return updated;
    },

    delete(id: number): Group {
      const members = this.members(id).map((m) => m.id);
      const group = db.transaction((tx) => {
        const group = this.get(id);
        tx.delete(deviceGroupMembers).where(eq(deviceGroupMembers.groupId, id)).run();
        tx.delete(deviceGroups).where(eq(deviceGroups.id, id)).run();
        return group;
      });
      deps.changes?.changed(members);
      return group;
    },

    /** Receivers a command to this group should reach: revoked members are left out (they would refuse). */
    devicesOf(groupId: number): string[] {
      this.get(groupId);
      return db
        .select({ id: devices.id })
        .from(deviceGroupMembers)
        .innerJoin(devices, eq(devices.id, deviceGroupMembers.deviceId))
        .where(and(eq(deviceGroupMembers.groupId, groupId), isNull(devices.revokedAt)))
        .orderBy(devices.id)
        .all()
        .map((r) => r.id);
    },

    /**
     * After a receiver moves, drops it from groups whose unit no longer contains it, keeping the rule that
     * a zone never reaches outside its unit. Synchronous, so a caller can run it in the move's transaction.
     */
    dropOutside(deviceId: string, unitId: number): number[] {
      const memberships = db
        .select({ groupId: deviceGroups.id, groupUnitId: deviceGroups.unitId })
        .from(deviceGroupMembers)
        .innerJoin(deviceGroups, eq(deviceGroups.id, deviceGroupMembers.groupId))
        .where(eq(deviceGroupMembers.deviceId, deviceId))
        .all();
      const left = memberships.filter((m) => !scopes.contains(m.groupUnitId, unitId)).map((m) => m.groupId);
      if (left.length > 0)
        db.delete(deviceGroupMembers)
          .where(and(eq(deviceGroupMembers.deviceId, deviceId), inArray(deviceGroupMembers.groupId, left)))
          .run();
      return left;
    },
  };
}
export type GroupsService = ReturnType<typeof createGroupsService>;
