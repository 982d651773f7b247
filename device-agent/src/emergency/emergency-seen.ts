import type { AgentDb } from '../storage/agent-db.js';

export interface EmergencySeen {
  has(id: string): boolean;
  add(id: string): void;
}

/**
 * Emergencies this receiver already handled, on disk: the retained record is delivered again on every
 * reconnect and after a restart, and an emergency that played through must not play a second time.
 * Bounded like the command ids; its own table so the agent's schema file stays untouched.
 */
export function createEmergencySeen(db: AgentDb, maxIds = 512): EmergencySeen {
  db.exec(
    'CREATE TABLE IF NOT EXISTS seen_emergencies (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE)',
  );
  const find = db.prepare('SELECT 1 FROM seen_emergencies WHERE id = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO seen_emergencies (id) VALUES (?)');
  const prune = db.prepare('DELETE FROM seen_emergencies WHERE seq <= ?');
  return {
    has: (id) => find.get(id) !== undefined,
    add(id) {
      const r = insert.run(id);
      const seq = Number(r.lastInsertRowid);
      if (r.changes > 0 && seq > maxIds) prune.run(seq - maxIds);
    },
  };
}
