import { BulletinInputSchema, type PriorityCode } from '@nguon/schemas';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/db.js';
import { bulletins, bulletinVersions } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { AuthUser } from '../accounts/accounts.service.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import { type BulletinState, editMode, nextState, type Transition } from './workflow.js';

export type BulletinVersion = typeof bulletinVersions.$inferSelect;
type Input = z.output<typeof BulletinInputSchema>;

export interface MediaInfo {
  get(sha256: string): { durationMs: number } | undefined;
}

/** Bulletins and their approval workflow; every change is one synchronous transaction. */
export function createBulletinsService(deps: { db: Db; scopes: ScopeQueries; media: MediaInfo; clock: () => number }) {
  const { db, clock } = deps;

  function contentOf(input: Input) {
    const items = input.items.map((item, i) => {
      const m = deps.media.get(item.sha256);
      if (!m) throw new AppError('unprocessable', `item ${i + 1}: no audio ${item.sha256} in the library`);
      return { sha256: item.sha256, title: item.title ?? '', durationMs: m.durationMs };
    });
    const { items: _i, producedAt, ...meta } = input;
    return {
      ...meta,
      items,
      durationMs: items.reduce((sum, x) => sum + x.durationMs, 0),
      producedAt: producedAt ? Date.parse(producedAt) : clock(),
    };
  }

  function bulletinRow(id: number) {
    const b = db.select().from(bulletins).where(eq(bulletins.id, id)).get();
    if (!b) throw notFound(`bulletin ${id}`);
    return b;
  }
  const versionRow = (bulletinId: number, version: number) =>
    db
      .select()
      .from(bulletinVersions)
      .where(and(eq(bulletinVersions.bulletinId, bulletinId), eq(bulletinVersions.version, version)))
      .get()!;

  function view(id: number) {
    const b = bulletinRow(id);
    const versions = db
      .select()
      .from(bulletinVersions)
      .where(eq(bulletinVersions.bulletinId, id))
      .orderBy(desc(bulletinVersions.version))
      .all();
    return {
      id: b.id,
      unitId: b.unitId,
      createdBy: b.createdBy,
      createdAt: b.createdAt,
      current: versions[0]!,
      versions,
    };
  }

  return {
    unitOf: (id: number) => bulletinRow(id).unitId,
    get: view,

    create(actor: AuthUser, unitId: number, raw: unknown) {
      const content = contentOf(BulletinInputSchema.parse(raw));
      const id = db.transaction((tx) => {
        const b = tx.insert(bulletins).values({ unitId, createdBy: actor.id }).returning().get();
        tx.insert(bulletinVersions)
          .values({ ...content, bulletinId: b.id, version: 1, state: 'draft', createdBy: actor.id })
          .run();
        return b.id;
      });
      return view(id);
    },

    /** Drafts change in place; approved content is immutable, so editing it starts a new version. */
    edit(actor: AuthUser, id: number, raw: unknown) {
      const b = bulletinRow(id);
      const current = versionRow(id, b.currentVersion);
      const mode = editMode(current.state as BulletinState);
      const merged = { ...current, producedAt: new Date(current.producedAt).toISOString(), ...(raw as object) };
      const { type, field, priority, title, summary, author, producedAt, source, items } = merged;
      const content = contentOf(
        BulletinInputSchema.parse({
          type,
          field,
          priority,
          title,
          summary,
          author,
          producedAt,
          source,
          items: items.map(({ sha256, title: t }) => ({ sha256, title: t })),
        }),
      );
      db.transaction((tx) => {
        if (mode === 'in-place') {
          tx.update(bulletinVersions)
            .set({ ...content, state: 'draft', rejectReason: null })
            .where(eq(bulletinVersions.id, current.id))
            .run();
          return;
        }
        const version = b.currentVersion + 1;
        tx.insert(bulletinVersions)
          .values({ ...content, bulletinId: id, version, state: 'draft', createdBy: actor.id })
          .run();
        tx.update(bulletins).set({ currentVersion: version }).where(eq(bulletins.id, id)).run();
      });
      return { ...view(id), newVersion: mode === 'new-version' };
    },

    transition(actor: AuthUser, id: number, t: Transition, reason?: string) {
      const b = bulletinRow(id);
      const current = versionRow(id, b.currentVersion);
      const to = nextState(current.state as BulletinState, t);
      if (
        t === 'approve' &&
        actor.role !== 'admin' &&
        (current.submittedBy === actor.id || current.createdBy === actor.id)
      )
        throw new AppError('forbidden', 'a bulletin is approved by someone other than its author or submitter');
      if (t === 'approveOnSend' && (current.priority as PriorityCode) !== 1)
        throw new AppError('unprocessable', 'only emergency content (priority 1) may be approved on send');
      if (t === 'reject' && !reason?.trim()) throw new AppError('validation_failed', 'a rejection needs a reason');
      const now = clock();
      const set: Partial<BulletinVersion> = { state: to };
      if (t === 'submit') Object.assign(set, { submittedBy: actor.id, submittedAt: now, rejectReason: null });
      if (t === 'approve' || t === 'reject' || t === 'approveOnSend')
        Object.assign(set, { decidedBy: actor.id, decidedAt: now, rejectReason: t === 'reject' ? reason : null });
      if (t === 'approveOnSend') Object.assign(set, { approvedOnSend: true, submittedBy: actor.id, submittedAt: now });
      db.update(bulletinVersions).set(set).where(eq(bulletinVersions.id, current.id)).run();
      return { ...view(id), from: current.state, to, version: current.version };
    },

    list(scope: Scope, filter: { state?: BulletinState | undefined; limit: number; offset: number }) {
      const where = [eq(bulletinVersions.version, bulletins.currentVersion)];
      if (!scope.all) where.push(inArray(bulletins.unitId, deps.scopes.subtreeIds(scope.unitId)));
      if (filter.state) where.push(eq(bulletinVersions.state, filter.state));
      return db
        .select({ id: bulletins.id, unitId: bulletins.unitId, current: bulletinVersions })
        .from(bulletins)
        .innerJoin(bulletinVersions, eq(bulletinVersions.bulletinId, bulletins.id))
        .where(and(...where))
        .orderBy(desc(bulletinVersions.createdAt))
        .limit(filter.limit)
        .offset(filter.offset)
        .all();
    },

    /** The newest approved version: what may go on air (schedules use it). */
    approvedVersion(id: number): BulletinVersion | undefined {
      return db
        .select()
        .from(bulletinVersions)
        .where(and(eq(bulletinVersions.bulletinId, id), eq(bulletinVersions.state, 'approved')))
        .orderBy(desc(bulletinVersions.version))
        .get();
    },
  };
}
export type BulletinsService = ReturnType<typeof createBulletinsService>;
