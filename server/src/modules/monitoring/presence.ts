import type { Heartbeat, Presence } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import type Database from 'better-sqlite3';
import type { IngestWriter, TransitionRow } from './ingest-writer.js';

export type PresenceState = 'online' | 'offline' | 'unknown';

interface Rec {
  state: PresenceState;
  session: string | null;
  since: number;
  lastSeenAt: number;
  /** Before the server restarted (state 'unknown' only): was it online? */
  wasOnline: boolean;
  agentVersion: string | null;
  health: Health | null;
  /** Sessions that ended or were superseded, newest last: their Will or heartbeats change nothing. */
  ended: string[];
}

export interface PresenceView {
  state: PresenceState;
  session: string | null;
  since: number;
  lastSeenAt: number;
  health: Health | null;
  agentVersion: string | null;
}

const ENDED_KEPT = 8;
const ALIVE_KEY = 'server_alive_at';

/**
 * Presence that is right (issue 8). Sessions are ordered by when the server first saw them: once a
 * newer session is seen, or a session ended (its offline presence / Will), anything later from that
 * session is stale and changes nothing — a late Will after a reconnect never overrides the newer online.
 *
 * Server restarts: every receiver starts `unknown`. One that is seen within `graceMs` (the heartbeat
 * timeout) of the start keeps its previous state without a transition, so the server's own downtime is
 * not receiver downtime. One that was online and is not seen by then gets an offline transition dated at
 * the server's last sign of life (reason `server-restart`): it stayed away, and from then on nobody knew.
 */
export function createPresence(deps: {
  sqlite: Database.Database;
  writer: IngestWriter;
  clock: () => number;
  timeoutMs: number;
  graceMs: number;
}) {
  const { sqlite, writer, clock } = deps;
  const recs = new Map<string, Rec>();
  const startedAt = clock();
  const alive = sqlite.prepare('SELECT value FROM monitor_meta WHERE key = ?').get(ALIVE_KEY) as
    | { value: number }
    | undefined;
  const setAlive = sqlite.prepare(
    'INSERT INTO monitor_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  let graceOver = false;

  for (const r of sqlite
    .prepare('SELECT device_id, online, session, changed_at, last_seen_at, agent_version, health FROM device_status')
    .all() as Array<Record<string, unknown>>) {
    recs.set(r.device_id as string, {
      state: 'unknown',
      session: r.session as string | null,
      since: r.changed_at as number,
      lastSeenAt: r.last_seen_at as number,
      wasOnline: r.online === 1,
      agentVersion: r.agent_version as string | null,
      health: r.health ? (JSON.parse(r.health as string) as Health) : null,
      ended: [],
    });
  }
  // Before the first run with this module, the best sign of life is the last receiver heard of.
  const lastAlive = alive?.value ?? Math.max(0, ...[...recs.values()].map((r) => r.lastSeenAt));

  const rec = (id: string): Rec => {
    let r = recs.get(id);
    if (!r) {
      r = {
        state: 'offline',
        session: null,
        since: 0,
        lastSeenAt: 0,
        wasOnline: false,
        agentVersion: null,
        health: null,
        ended: [],
      };
      recs.set(id, r);
    }
    return r;
  };
  const endSession = (r: Rec, s: string | null) => {
    if (!s || r.ended.includes(s)) return;
    r.ended.push(s);
    if (r.ended.length > ENDED_KEPT) r.ended.shift();
  };
  const persist = (id: string, r: Rec) =>
    writer.status({
      deviceId: id,
      online: r.state === 'online' || (r.state === 'unknown' && r.wasOnline),
      session: r.session,
      changedAt: r.since,
      lastSeenAt: r.lastSeenAt,
      agentVersion: r.agentVersion,
      health: r.health,
    });
  const move = (id: string, r: Rec, state: 'online' | 'offline', at: number, reason: TransitionRow['reason']) => {
    r.state = state;
    r.since = at;
    writer.transition({ deviceId: id, state, at, reason, session: r.session });
  };

  /** A sign of life from `session`; returns false when it is stale. */
  function seen(id: string, session: string, now: number): boolean {
    const r = rec(id);
    if (r.ended.includes(session)) return false;
    if (r.session !== session) endSession(r, r.session);
    r.session = session;
    r.lastSeenAt = now;
    if (r.state === 'unknown') {
      // Seen again after a server restart: the restart was not the receiver's downtime.
      if (r.wasOnline) r.state = 'online';
      else move(id, r, 'online', now, 'connect');
    } else if (r.state === 'offline') move(id, r, 'online', now, 'connect');
    return true;
  }

  return {
    /** Returns true when the receiver is (still or again) online with this session. */
    onPresence(id: string, p: Presence): boolean {
      const now = clock();
      const r = rec(id);
      if (p.state === 'online') {
        if (!seen(id, p.session, now)) return false;
        if (p.agentVersion) r.agentVersion = p.agentVersion;
        persist(id, r);
        return true;
      }
      if (r.session === p.session && r.state !== 'offline' && !r.ended.includes(p.session)) {
        const wasUp = r.state === 'online' || r.wasOnline;
        r.lastSeenAt = Math.max(r.lastSeenAt, now);
        if (wasUp) move(id, r, 'offline', now, 'will');
        else r.state = 'offline';
        persist(id, r);
      }
      endSession(r, p.session);
      return false;
    },

    /** Returns false for a heartbeat of an ended or superseded session (not stored). */
    onHeartbeat(id: string, hb: Heartbeat): boolean {
      const now = clock();
      if (!seen(id, hb.session, now)) return false;
      const r = rec(id);
      r.health = hb.health;
      r.agentVersion = hb.health.agentVersion;
      persist(id, r);
      return true;
    },

    /** Heartbeat timeouts, the end of the restart grace, and the server's own sign of life. */
    sweep(): { timedOut: number; restartOffline: number } {
      const now = clock();
      let timedOut = 0;
      let restartOffline = 0;
      const closeGrace = !graceOver && now - startedAt >= deps.graceMs;
      for (const [id, r] of recs) {
        if (r.state === 'online' && now - r.lastSeenAt > deps.timeoutMs) {
          // Dated at the last sign of life: after that nobody knew it was up.
          move(id, r, 'offline', r.lastSeenAt, 'timeout');
          persist(id, r);
          timedOut++;
        } else if (closeGrace && r.state === 'unknown') {
          if (r.wasOnline) {
            move(id, r, 'offline', Math.max(lastAlive, r.since), 'server-restart');
            persist(id, r);
            restartOffline++;
          } else r.state = 'offline';
        }
      }
      if (closeGrace) graceOver = true;
      setAlive.run(ALIVE_KEY, now);
      return { timedOut, restartOffline };
    },

    get(id: string): PresenceView | null {
      const r = recs.get(id);
      if (!r) return null;
      return {
        state: r.state,
        session: r.session,
        since: r.since,
        lastSeenAt: r.lastSeenAt,
        health: r.health,
        agentVersion: r.agentVersion,
      };
    },
    /** Every receiver the server has heard of, for alert evaluation. */
    all(): Map<string, PresenceView> {
      const out = new Map<string, PresenceView>();
      for (const id of recs.keys()) out.set(id, this.get(id) as PresenceView);
      return out;
    },
    /** A receiver was deleted or revoked: forget it. */
    forget(id: string) {
      recs.delete(id);
    },
  };
}
export type PresenceTracker = ReturnType<typeof createPresence>;
