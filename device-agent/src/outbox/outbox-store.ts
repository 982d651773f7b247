import type { Outgoing } from '@nguon/protocols';
import type { AgentDb } from '../storage/agent-db.js';

/**
 * What may be dropped when the outbox is full, lowest first: telemetry (heartbeat-like samples), then
 * events and replies. Playback logs are never dropped: when only they remain, a new one is refused and
 * counted (and the health flag `outboxFull` is raised), never lost silently.
 */
export const OUTBOX_CLASSES = { telemetry: 0, event: 1, log: 2 } as const;
export type OutboxClass = keyof typeof OUTBOX_CLASSES;

export interface OutboxItem {
  seq: number;
  id: string;
  out: Outgoing;
}

export type EnqueueResult = 'stored' | 'duplicate' | 'refused';

export interface OutboxStats {
  rows: number;
  bytes: number;
  full: boolean;
  /** Playback logs refused since start because the outbox held nothing else. */
  refusedLogs: number;
  /** Telemetry, events and replies dropped since start to make room. */
  dropped: number;
}

export interface OutboxStore {
  /** Synchronous and durable: when it returns 'stored', the row is on disk. */
  enqueue(id: string, cls: OutboxClass, out: Outgoing, now: number): EnqueueResult;
  /** Oldest rows first, leaving out `skip` (already in flight). */
  oldest(limit: number, skip: ReadonlySet<string>): OutboxItem[];
  remove(ids: readonly string[]): void;
  stats(): OutboxStats;
}

export interface OutboxBounds {
  maxRows: number;
  maxBytes: number;
}

interface Row {
  seq: number;
  id: string;
  topic: string;
  payload: Buffer;
  qos: number;
}

/** Overhead of a row beyond its payload (keys, index entries), so tiny rows still count. */
const ROW_OVERHEAD = 128;
/** `full` clears only below this share of the bounds, so the flag does not flap at the edge. */
const CLEAR_BELOW = 0.9;

export function createOutboxStore(db: AgentDb, bounds: OutboxBounds): OutboxStore {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO outbox (id, class, topic, payload, qos, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const victim = db.prepare<[number], { seq: number; bytes: number }>(
    'SELECT seq, bytes FROM outbox WHERE class <= ? AND class < 2 ORDER BY class, seq LIMIT 1',
  );
  const dropSeq = db.prepare('DELETE FROM outbox WHERE seq = ?');
  const select = db.prepare<[number], Row>('SELECT seq, id, topic, payload, qos FROM outbox ORDER BY seq LIMIT ?');
  const removeOne = db.prepare<[string], { bytes: number }>('DELETE FROM outbox WHERE id = ? RETURNING bytes');
  const totals = db
    .prepare<[], { rows: number; bytes: number | null }>('SELECT count(*) AS rows, sum(bytes) AS bytes FROM outbox')
    .get();
  let rows = totals?.rows ?? 0;
  let bytes = totals?.bytes ?? 0;
  let full = false;
  let refusedLogs = 0;
  let dropped = 0;

  const fits = (size: number) => rows + 1 <= bounds.maxRows && bytes + size <= bounds.maxBytes;

  /** Frees room for one row of `size` bytes by dropping lower classes first; false when it cannot. */
  function makeRoom(cls: number, size: number): boolean {
    while (!fits(size)) {
      const v = victim.get(cls);
      if (!v) return false;
      dropSeq.run(v.seq);
      rows -= 1;
      bytes -= v.bytes;
      dropped += 1;
    }
    return true;
  }

  const enqueueTx = db.transaction((id: string, cls: OutboxClass, out: Outgoing, now: number): EnqueueResult => {
    const size = out.payload.byteLength + out.topic.length + ROW_OVERHEAD;
    if (!fits(size)) {
      full = true;
      if (!makeRoom(OUTBOX_CLASSES[cls], size)) {
        if (cls === 'log') refusedLogs += 1;
        return 'refused';
      }
    }
    const res = insert.run(id, OUTBOX_CLASSES[cls], out.topic, out.payload, out.qos, size, now);
    if (res.changes === 0) return 'duplicate';
    rows += 1;
    bytes += size;
    return 'stored';
  });

  const removeTx = db.transaction((ids: readonly string[]) => {
    for (const id of ids) {
      const r = removeOne.get(id);
      if (!r) continue; // dropped to make room while it was in flight
      rows -= 1;
      bytes -= r.bytes;
    }
  });

  return {
    enqueue: (id, cls, out, now) => enqueueTx(id, cls, out, now),
    oldest(limit, skip) {
      if (limit <= 0) return [];
      // In-flight rows are the oldest ones; reading past them keeps the query a short index range.
      return select
        .all(limit + skip.size)
        .filter((r) => !skip.has(r.id))
        .slice(0, limit)
        .map((r) => ({
          seq: r.seq,
          id: r.id,
          out: { topic: r.topic, payload: r.payload, qos: r.qos === 0 ? 0 : 1, retain: false },
        }));
    },
    remove(ids) {
      if (ids.length === 0) return;
      removeTx(ids);
      if (full && rows < bounds.maxRows * CLEAR_BELOW && bytes < bounds.maxBytes * CLEAR_BELOW) full = false;
    },
    stats: () => ({ rows, bytes, full, refusedLogs, dropped }),
  };
}
