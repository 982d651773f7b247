import { readFileSync } from 'node:fs';
import { type Playlist, PlaylistSchema } from '@nguon/protocols';
import type { AgentDb } from '../storage/agent-db.js';
import type { Journal } from './programme.js';

/**
 * In the agent's SQLite file (synchronous=FULL, so a row written here survives kill -9 and power loss):
 * the newest playlist, the journal of occurrences this receiver committed to, and the last clock offset.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS schedule_playlist (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_journal (
  key TEXT PRIMARY KEY,
  start_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  outcome TEXT
);
CREATE TABLE IF NOT EXISTS schedule_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  boot_id TEXT NOT NULL,
  offset_ms INTEGER NOT NULL
);
`;

/** How long finished occurrences are remembered: far longer than any playlist looks back. */
const JOURNAL_KEEP_MS = 7 * 86_400_000;

export type JournalOutcome = 'finished' | 'failed' | 'stopped' | 'skipped';

export interface ScheduleStore extends Journal {
  /** The newest playlist on disk, or null (none yet, or unreadable). */
  playlist(): Playlist | null;
  /** Keeps `p` if its version is newer than the one on disk; true when it was applied. */
  apply(p: Playlist): boolean;
  /**
   * The receiver commits to an occurrence. Written before the player starts: after a crash at any later
   * point, `decide()` sees it started and joins it where it has got to instead of replaying it.
   */
  begin(key: string, startAt: number, startedAt: number): void;
  /** The occurrence is done with and never plays again. */
  end(key: string, startAt: number, outcome: JournalOutcome): void;
  /** Started and not ended: a restart in its middle may resume it. */
  isOpen(key: string): boolean;
  prune(now: number): void;
  /** Remembers the server-clock offset, valid until the device reboots (its clock may step then). */
  rememberOffset(offsetMs: number): void;
  /** The offset remembered during this same boot when the store was opened, or null. */
  bootOffset(): number | null;
}

/** Linux's id of the current boot: a process restart keeps it, a reboot changes it. */
export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export function createScheduleStore(db: AgentDb, opts: { bootId?: string | null } = {}): ScheduleStore {
  db.exec(SCHEMA);
  const bootId = opts.bootId === undefined ? readBootId() : opts.bootId;
  const getPlaylist = db.prepare<[], { version: number; body: string }>(
    'SELECT version, body FROM schedule_playlist WHERE id = 1',
  );
  const putPlaylist = db.prepare(
    `INSERT INTO schedule_playlist (id, version, body) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body WHERE excluded.version > version`,
  );
  const getEntry = db.prepare<[string], { started_at: number; outcome: string | null }>(
    'SELECT started_at, outcome FROM schedule_journal WHERE key = ?',
  );
  const insertEntry = db.prepare(
    'INSERT OR IGNORE INTO schedule_journal (key, start_at, started_at, outcome) VALUES (?, ?, ?, ?)',
  );
  const endEntry = db.prepare('UPDATE schedule_journal SET outcome = ? WHERE key = ? AND outcome IS NULL');
  const pruneEntries = db.prepare('DELETE FROM schedule_journal WHERE start_at < ?');
  const putClock = db.prepare(
    `INSERT INTO schedule_clock (id, boot_id, offset_ms) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET boot_id = excluded.boot_id, offset_ms = excluded.offset_ms`,
  );
  const clockRow = db
    .prepare<[], { boot_id: string; offset_ms: number }>('SELECT boot_id, offset_ms FROM schedule_clock WHERE id = 1')
    .get();
  const bootOffset = bootId !== null && clockRow?.boot_id === bootId ? clockRow.offset_ms : null;
  let cached: Playlist | null | undefined;
  let lastOffset = bootOffset;

  const endTx = db.transaction((key: string, startAt: number, outcome: JournalOutcome) => {
    insertEntry.run(key, startAt, startAt, outcome);
    endEntry.run(outcome, key);
  });

  function load(): Playlist | null {
    const row = getPlaylist.get();
    if (!row) return null;
    try {
      const parsed = PlaylistSchema.safeParse(JSON.parse(row.body));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  return {
    playlist() {
      cached ??= load();
      return cached;
    },
    apply(p) {
      const applied = putPlaylist.run(p.version, JSON.stringify(p)).changes > 0;
      if (applied) cached = p;
      return applied;
    },
    started(key) {
      const row = getEntry.get(key);
      return row ? { startedAt: row.started_at, ended: row.outcome !== null } : undefined;
    },
    begin(key, startAt, startedAt) {
      insertEntry.run(key, startAt, startedAt, null);
    },
    end: (key, startAt, outcome) => endTx(key, startAt, outcome),
    isOpen(key) {
      const row = getEntry.get(key);
      return row !== undefined && row.outcome === null;
    },
    prune(now) {
      pruneEntries.run(now - JOURNAL_KEEP_MS);
    },
    rememberOffset(offsetMs) {
      // Every routine sync would be an fsync for nothing: only a change worth a start's accuracy is kept.
      if (bootId === null || (lastOffset !== null && Math.abs(lastOffset - offsetMs) < 5)) return;
      putClock.run(bootId, Math.round(offsetMs));
      lastOffset = offsetMs;
    },
    bootOffset: () => bootOffset,
  };
}
