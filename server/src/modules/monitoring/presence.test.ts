import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Heartbeat, Presence } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/db.js';
import { createIngestWriter } from './ingest-writer.js';
import { createPresence } from './presence.js';
import { createTransitionsQuery } from './transitions.js';
import { uptimeOf } from './uptime.js';

const health = {
  agentVersion: '1',
  link: { type: 'ethernet', signalDbm: null },
  volume: 50,
  muted: false,
} as unknown as Health;
const presence = (state: 'online' | 'offline', session: string): Presence => ({ v: 1, id: 'p', ts: 0, state, session });
const hb = (session: string): Heartbeat => ({ v: 1, id: 'h', ts: 0, seq: 0, session, health });
const TIMEOUT = 90_000;

function setup(dir = mkdtempSync(path.join(tmpdir(), 'presence-'))) {
  const { sqlite, close } = openDatabase(path.join(dir, 'db.sqlite'));
  const clock = { now: 1_000_000 };
  const config = { flushMs: 60_000, batch: 1000, queueMax: 10_000, deviceRate: 1, deviceBurst: 1 };
  const writer = createIngestWriter({ sqlite, config, log: pino({ level: 'silent' }), storeLog: () => {} });
  const p = createPresence({ sqlite, writer, clock: () => clock.now, timeoutMs: TIMEOUT, graceMs: TIMEOUT });
  const transitions = () => {
    writer.flush();
    return createTransitionsQuery(sqlite)(['d1'], 0, Number.MAX_SAFE_INTEGER).get('d1')!.transitions;
  };
  return {
    dir,
    clock,
    p,
    writer,
    transitions,
    close: () => {
      writer.close();
      close();
    },
  };
}

describe('presence', () => {
  it('ignores a late Will of an older session after the receiver reconnected', () => {
    const s = setup();
    s.p.onPresence('d1', presence('online', 'A'));
    s.clock.now += 1000;
    s.p.onPresence('d1', presence('online', 'B')); // reconnected before the broker published A's Will
    s.clock.now += 1000;
    expect(s.p.onPresence('d1', presence('offline', 'A'))).toBe(false);
    expect(s.p.onHeartbeat('d1', hb('A'))).toBe(false); // nothing from A counts any more
    expect(s.p.get('d1')).toMatchObject({ state: 'online', session: 'B' });
    expect(s.transitions().map((t) => [t.state, t.reason])).toEqual([['online', 'connect']]);
    s.close();
  });

  it('goes offline on the Will of the current session and on a heartbeat timeout, and back on a heartbeat', () => {
    const s = setup();
    s.p.onHeartbeat('d1', hb('A'));
    s.clock.now += 5000;
    s.p.onPresence('d1', presence('offline', 'A'));
    expect(s.p.get('d1')?.state).toBe('offline');
    s.clock.now += 5000;
    s.p.onPresence('d1', presence('online', 'B'));
    const lastSeen = s.clock.now;
    s.clock.now += TIMEOUT + 1;
    expect(s.p.sweep().timedOut).toBe(1);
    s.clock.now += 1000;
    s.p.onHeartbeat('d1', hb('B'));
    expect(s.transitions().map((t) => [t.state, t.reason, t.at])).toEqual([
      ['online', 'connect', 1_000_000],
      ['offline', 'will', 1_005_000],
      ['online', 'connect', 1_010_000],
      ['offline', 'timeout', lastSeen],
      ['online', 'connect', s.clock.now],
    ]);
    s.close();
  });

  it('does not count a server restart as downtime for receivers that come back, and does for those that stay away', () => {
    const s = setup();
    s.p.onPresence('d1', presence('online', 'A'));
    s.p.onPresence('d2', presence('online', 'X'));
    s.clock.now += 10_000;
    s.p.sweep(); // records the server's last sign of life
    const downAt = s.clock.now;
    s.close();

    // The server is down for ten minutes, then starts on the same database.
    const r = setup(s.dir);
    r.clock.now = downAt + 600_000;
    const again = createPresence({
      sqlite: openDatabase(path.join(s.dir, 'db.sqlite')).sqlite,
      writer: r.writer,
      clock: () => r.clock.now,
      timeoutMs: TIMEOUT,
      graceMs: TIMEOUT,
    });
    expect(again.get('d1')?.state).toBe('unknown');
    again.onHeartbeat('d1', hb('A2'));
    r.clock.now += TIMEOUT;
    again.sweep();
    expect(again.get('d1')?.state).toBe('online');
    expect(again.get('d2')?.state).toBe('offline');
    const d1 = r.transitions();
    expect(d1.map((t) => t.state)).toEqual(['online']); // no gap for the restart
    r.writer.flush();
    const d2 = createTransitionsQuery(openDatabase(path.join(s.dir, 'db.sqlite')).sqlite)(
      ['d2'],
      0,
      Number.MAX_SAFE_INTEGER,
    ).get('d2')!;
    expect(d2.transitions.map((t) => [t.state, t.reason, t.at])).toEqual([
      ['online', 'connect', 1_000_000],
      ['offline', 'server-restart', downAt],
    ]);
    const u = uptimeOf(d2.before, d2.transitions, { from: 1_000_000, to: r.clock.now }, { from: 0, to: Infinity });
    expect(u.onlineMs).toBe(downAt - 1_000_000);
    r.close();
  });
});
