import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';

export type AgentDb = Database.Database;

/**
 * One SQLite file per receiver: the outbox (logs, events, replies not yet acknowledged), the playbacks
 * that were started but not yet ended (to close them after a crash) and the recently seen command ids.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  class INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_class_seq ON outbox(class, seq);
CREATE TABLE IF NOT EXISTS open_plays (
  play_id TEXT PRIMARY KEY,
  started_log TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_commands (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE
);
`;

function open(file: string): AgentDb {
  const db = new Database(file);
  try {
    // WAL + synchronous=FULL: every committed transaction is fsync'd to the WAL before commit returns,
    // so a row the outbox reports stored survives kill -9 and power loss (README, "Durability").
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    // Touches every page: a file damaged by a bad SD card fails here, at start, not in the middle of a play.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`quick_check: ${String(check)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens (or creates) the agent's database. A file that cannot be opened is moved aside and a fresh one
 * created: a receiver must come up even after its SD card damaged the file (house style: unkillable).
 * `onReset` learns what was lost so it can be reported.
 */
export function openAgentDb(file: string, onReset?: (err: unknown, movedTo: string) => void): AgentDb {
  try {
    return open(file);
  } catch (err) {
    if (file === ':memory:') throw err;
    const movedTo = `${file}.corrupt-${Date.now()}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    }
    onReset?.(err, movedTo);
    return open(file);
  }
}
