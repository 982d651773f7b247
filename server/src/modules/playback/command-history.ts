import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import type { CommandStatus } from './command-bodies.js';

interface Row {
  seq: number;
  id: string;
  type: string;
  target_kind: string;
  target: string;
  payload: string;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  ok: number | null;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  received_at: number | null;
}

export interface CommandWithReply {
  id: string;
  type: string;
  target: { kind: string; id: string };
  payload: Record<string, unknown>;
  createdBy: number | null;
  createdAt: number;
  expiresAt: number;
  status: CommandStatus;
  reply: {
    ok: boolean;
    error: { code: string; message: string | null } | null;
    result: unknown;
    receivedAt: number;
  } | null;
}

function statusOf(r: Row, now: number): CommandStatus {
  if (r.ok === null) return r.expires_at > now ? 'pending' : 'no_reply';
  return r.ok ? 'ok' : 'error';
}

/** One receiver's command history with its answers, newest first (what an operator checks after sending). */
export function createCommandHistory(deps: { db: Db; clock: () => number }) {
  return {
    /**
     * Commands sent to the receiver itself, plus group and unit commands it answered. `before` is the
     * `nextBefore` cursor of the previous page.
     */
    forDevice(deviceId: string, opts: { limit: number; before?: number | undefined }) {
      const before = opts.before ?? Number.MAX_SAFE_INTEGER;
      const rows = deps.db.all<Row>(sql`
        SELECT c.rowid AS seq, c.*, r.ok, r.error_code, r.error_message, r.result, r.received_at
        FROM commands c
        LEFT JOIN command_replies r ON r.command_id = c.id AND r.device_id = ${deviceId}
        WHERE c.rowid IN (
          SELECT rowid FROM commands WHERE target_kind = 'device' AND target = ${deviceId}
          UNION
          SELECT c2.rowid FROM command_replies r2 JOIN commands c2 ON c2.id = r2.command_id
          WHERE r2.device_id = ${deviceId}
        ) AND c.rowid < ${before}
        ORDER BY c.rowid DESC
        LIMIT ${opts.limit + 1}`);
      const more = rows.length > opts.limit;
      const page = more ? rows.slice(0, opts.limit) : rows;
      const now = deps.clock();
      const commands: CommandWithReply[] = page.map((r) => ({
        id: r.id,
        type: r.type,
        target: { kind: r.target_kind, id: r.target },
        payload: JSON.parse(r.payload) as Record<string, unknown>,
        createdBy: r.created_by,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        status: statusOf(r, now),
        reply:
          r.ok === null
            ? null
            : {
                ok: r.ok === 1,
                error: r.error_code ? { code: r.error_code, message: r.error_message } : null,
                result: r.result === null ? null : (JSON.parse(r.result) as unknown),
                receivedAt: r.received_at ?? 0,
              },
      }));
      return { commands, nextBefore: more ? (page.at(-1)?.seq ?? null) : null };
    },
  };
}
