import type { AgentDb } from '../storage/agent-db.js';
import type { SeenIds } from './command-guard.js';

/**
 * Command ids kept on disk, so a command redelivered after a restart (or a reboot it caused) is still
 * recognised. Bounded: the oldest ids beyond `maxIds` are forgotten; by then their commands have expired.
 */
export function createSqliteSeenIds(db: AgentDb, maxIds = 4_096): SeenIds {
  const insert = db.prepare('INSERT OR IGNORE INTO seen_commands (id) VALUES (?)');
  const prune = db.prepare('DELETE FROM seen_commands WHERE seq <= ?');
  const remember = db.transaction((id: string): boolean => {
    const r = insert.run(id);
    if (r.changes === 0) return false;
    const seq = Number(r.lastInsertRowid);
    if (seq > maxIds) prune.run(seq - maxIds);
    return true;
  });
  return { remember: (id) => remember(id) };
}
