import { formatVn, type ScheduleInputSchema, type ScheduleTarget } from '@nguon/schemas';
import { eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/db.js';
import { schedules } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../accounts/accounts.service.js';
import type { BulletinsService } from '../bulletins/bulletins.service.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { CONFLICT_WINDOW_MS, detectConflicts } from './conflicts.js';
import type { PlaylistService } from './playlist.service.js';
import type { ActiveSchedule } from './playlist-builder.js';
import { occurrences, validateRule } from './recurrence.js';
import type { TargetResolver } from './targets.js';

type Input = z.output<typeof ScheduleInputSchema>;
export type ScheduleRow = typeof schedules.$inferSelect;

export function createSchedulesService(deps: {
  db: Db;
  scopes: ScopeQueries;
  units: UnitsService;
  bulletins: BulletinsService;
  targets: TargetResolver;
  playlists: PlaylistService;
  loadActive: () => ActiveSchedule[];
  clock: () => number;
}) {
  const { db, clock } = deps;

  const row = (id: number) => {
    const s = db.select().from(schedules).where(eq(schedules.id, id)).get();
    if (!s) throw notFound(`schedule ${id}`);
    return s;
  };

  /** Everything that makes a schedule invalid, checked before anything is stored. */
  function check(actor: AuthUser, scope: Scope, input: Input, ownerUnitId: number) {
    const b = deps.bulletins.get(input.bulletinId);
    // A bulletin of one's own subtree, or one handed down from above (a commune relays the province's).
    if (!deps.scopes.inScope(scope, b.unitId) && !deps.scopes.contains(b.unitId, actor.unitId))
      throw new AppError('forbidden', `bulletin ${input.bulletinId} belongs to a unit outside your reach`);
    const version = deps.bulletins.approvedVersion(input.bulletinId);
    if (!version)
      throw new AppError(
        'unprocessable',
        `bulletin ${input.bulletinId} has no approved version; it cannot be scheduled`,
      );
    deps.targets.assertInScope(scope, input.targets);
    validateRule(input, clock());
    const devices = deps.targets.devicesOf(input.targets);
    const owner = deps.units.get(ownerUnitId);
    const candidate: ActiveSchedule = {
      id: 0,
      revision: 0,
      title: input.title ?? version.title,
      bulletinId: input.bulletinId,
      bulletinVersion: version.version,
      priority: version.priority as 1 | 2 | 3,
      originLevel: owner?.level ?? 'commune',
      beforeIncomingPriority: input.beforeIncomingPriority,
      ownOrder: input.ownOrder ?? null,
      durationMs: version.durationMs,
      media: [],
      rule: input,
      devices,
    };
    if (input.beforeIncomingPriority && (candidate.priority !== 2 || candidate.originLevel !== 'commune'))
      throw new AppError('unprocessable', 'only a commune’s own priority items may go before incoming priority items');
    if (input.ownOrder != null && (candidate.priority !== 2 || candidate.originLevel !== 'commune'))
      throw new AppError('unprocessable', 'only a commune’s own priority items have an order among themselves');
    if (occurrences(input, clock(), clock() + 366 * 86_400_000, 1).length === 0)
      throw new AppError('unprocessable', 'the schedule never plays in the coming year (check its dates)');
    return { candidate, title: candidate.title };
  }

  /** Overlaps with other schedules; refused with the rules' resolution unless the operator accepts them. */
  function conflictsOrRefuse(candidate: ActiveSchedule, accept: boolean) {
    const conflicts = detectConflicts(candidate, deps.loadActive(), clock());
    if (conflicts.length && !accept)
      throw new AppError('conflict', 'the schedule overlaps others on the same receivers; accept or adjust', {
        conflicts,
      });
    return conflicts;
  }

  function view(s: ScheduleRow) {
    const now = clock();
    const next = occurrences(
      { ...s, recurrence: s.recurrence as Input['recurrence'], repeat: s.repeat as Input['repeat'] },
      now,
      now + CONFLICT_WINDOW_MS,
      5,
    );
    return { ...s, next: next.map((at) => ({ at: new Date(at).toISOString(), local: formatVn(at) })) };
  }

  async function refreshFor(targets: ScheduleTarget[][]) {
    const ids = new Set<string>();
    for (const t of targets) for (const d of deps.targets.devicesOf(t)) ids.add(d);
    await deps.playlists.refresh({ deviceIds: ids });
  }

  return {
    unitOf: (id: number) => row(id).unitId,
    get: (id: number) => view(row(id)),

    list(scope: Scope) {
      const q = db.select().from(schedules);
      const rows = scope.all ? q.all() : q.where(inArray(schedules.unitId, deps.scopes.subtreeIds(scope.unitId))).all();
      return rows.map(view);
    },

    async create(actor: AuthUser, scope: Scope, ownerUnitId: number, input: Input) {
      const { candidate, title } = check(actor, scope, input, ownerUnitId);
      const conflicts = conflictsOrRefuse(candidate, input.acceptConflicts);
      const { acceptConflicts: _a, title: _t, ...fields } = input;
      const s = db
        .insert(schedules)
        .values({ ...fields, title, unitId: ownerUnitId, createdBy: actor.id })
        .returning()
        .get();
      await refreshFor([input.targets]);
      return { schedule: view(s), conflicts };
    },

    async edit(actor: AuthUser, scope: Scope, id: number, input: Input) {
      const current = row(id);
      if (current.state === 'cancelled') throw new AppError('conflict', 'a cancelled schedule cannot be edited');
      const { candidate, title } = check(actor, scope, input, current.unitId);
      candidate.id = id;
      const conflicts = conflictsOrRefuse(candidate, input.acceptConflicts);
      const { acceptConflicts: _a, title: _t, ...fields } = input;
      const s = db
        .update(schedules)
        .set({ ...fields, ownOrder: input.ownOrder ?? null, title, revision: current.revision + 1, updatedAt: clock() })
        .where(eq(schedules.id, id))
        .returning()
        .get()!;
      await refreshFor([current.targets as ScheduleTarget[], input.targets]);
      return { schedule: view(s), conflicts };
    },

    async setState(id: number, state: 'active' | 'paused' | 'cancelled') {
      const current = row(id);
      if (current.state === 'cancelled') throw new AppError('conflict', 'the schedule is cancelled');
      if (current.state === state) throw new AppError('conflict', `the schedule is already ${state}`);
      const s = db.update(schedules).set({ state, updatedAt: clock() }).where(eq(schedules.id, id)).returning().get()!;
      await refreshFor([current.targets as ScheduleTarget[]]);
      return view(s);
    },
  };
}
export type SchedulesService = ReturnType<typeof createSchedulesService>;
