import { eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { liveMounts } from '../../db/schema.js';
import type { Mount } from './live-mount.js';

/** What it takes to start a relay or file mount again after a restart (issue 7). */
export type SavedMount = {
  id: string;
  unitId: number;
  title: string;
  icecast: boolean;
  startedBy: string;
  startedAt: number;
} & ({ kind: 'relay'; url: string } | { kind: 'file'; sha256: string; plays: number });

export interface LiveMountStore {
  save(m: SavedMount): void;
  ended(id: string, at: number, reason: string): void;
  /** Mounts that were running when the server stopped, oldest first. */
  running(): SavedMount[];
}

/** Mount definitions in SQLite. The relay URL is kept as given (credentials included): it is needed to reconnect. */
export function createLiveMountStore(db: Db): LiveMountStore {
  return {
    save(m) {
      const row = {
        id: m.id,
        unitId: m.unitId,
        title: m.title,
        kind: m.kind,
        url: m.kind === 'relay' ? m.url : null,
        sha256: m.kind === 'file' ? m.sha256 : null,
        plays: m.kind === 'file' ? m.plays : null,
        icecast: m.icecast,
        startedBy: m.startedBy,
        startedAt: m.startedAt,
      };
      db.insert(liveMounts)
        .values(row)
        .onConflictDoUpdate({ target: liveMounts.id, set: { ...row, endedAt: null, endReason: null } })
        .run();
    },
    ended(id, at, reason) {
      db.update(liveMounts).set({ endedAt: at, endReason: reason }).where(eq(liveMounts.id, id)).run();
    },
    running() {
      return db
        .select()
        .from(liveMounts)
        .where(isNull(liveMounts.endedAt))
        .orderBy(liveMounts.startedAt)
        .all()
        .flatMap((r): SavedMount[] => {
          const base = {
            id: r.id,
            unitId: r.unitId,
            title: r.title,
            icecast: r.icecast,
            startedBy: r.startedBy,
            startedAt: r.startedAt,
          };
          if (r.kind === 'relay' && r.url) return [{ ...base, kind: 'relay', url: r.url }];
          if (r.kind === 'file' && r.sha256) return [{ ...base, kind: 'file', sha256: r.sha256, plays: r.plays ?? 1 }];
          return [];
        });
    },
  };
}

/** A running relay or file mount is kept until it ends for any reason but the server's shutdown. */
export function keepMount(
  store: LiveMountStore,
  mount: Mount,
  input: { unitId: number; title: string } & (
    | { kind: 'mic' }
    | { kind: 'relay'; url: string }
    | { kind: 'file'; sha256: string; plays?: number | null | undefined }
  ),
  actorLabel: string,
  clock: () => number,
): void {
  if (input.kind === 'mic') return;
  const info = mount.info();
  const base = {
    id: mount.id,
    unitId: input.unitId,
    title: input.title,
    icecast: info.icecast !== null,
    startedBy: actorLabel,
    startedAt: Date.parse(info.startedAt),
  };
  store.save(
    input.kind === 'relay'
      ? { ...base, kind: 'relay', url: input.url }
      : { ...base, kind: 'file', sha256: input.sha256, plays: input.plays ?? 1 },
  );
  mount.onEnd((reason) => {
    if (reason !== 'server_shutdown') store.ended(mount.id, clock(), reason);
  });
}
