import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

/**
 * The better-sqlite3 handle under a drizzle Db (drizzle sets `$client` at run time; the type does not
 * name it): for hot paths that run one prepared statement per MQTT message rather than building SQL.
 */
export const sqliteOf = (db: Db): Database.Database => (db as unknown as { $client: Database.Database }).$client;

/** Committed migrations live beside src/ and dist/, so both resolve them the same way. */
export const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/** Opens (creating if needed) the SQLite file in WAL mode and applies every pending migration. */
export function openDatabase(file: string, migrationsFolder = MIGRATIONS): OpenDatabase {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable against process crashes in WAL mode and far faster than FULL for ingest.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return { db, sqlite, close: () => sqlite.close() };
}
