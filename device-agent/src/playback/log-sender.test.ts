import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, type PlaybackLog } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSeenIds } from '../commands/seen-ids.js';
import { createOutbox } from '../outbox/outbox.js';
import { createOutboxStore } from '../outbox/outbox-store.js';
import { type AgentDb, openAgentDb } from '../storage/agent-db.js';
import { createLogSender } from './log-sender.js';

const silent = pino({ level: 'silent' });
const T = 1_790_000_000_000;
let dir: string;
let dbs: AgentDb[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-logs-'));
  dbs = [];
});
afterEach(async () => {
  for (const db of dbs) if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

/** An agent's log path with the link down: everything stays on disk, as after a kill -9. */
function boot() {
  const db = openAgentDb(join(dir, 'outbox.sqlite'));
  dbs.push(db);
  const store = createOutboxStore(db, { maxRows: 1000, maxBytes: 1 << 20 });
  const outbox = createOutbox({ store, publish: async () => {}, connected: () => false, logger: silent });
  const logs = createLogSender({ deviceId: 'dev-1', db, outbox, logger: silent, now: () => T + 99 });
  const onDisk = () =>
    store.oldest(100, new Set()).map((i) => {
      const d = decode(i.out.topic, i.out.payload);
      if (!d.ok || d.kind !== 'playbackLog') throw new Error('not a playback log');
      return d.message;
    });
  return { db, logs, onDisk };
}

const entry = (id: string, playId: string, event: PlaybackLog['event']): PlaybackLog => ({
  v: 1,
  id,
  ts: T,
  playId,
  commandId: `c-${playId}`,
  sha256: 'a'.repeat(64),
  event,
  startedAt: T,
  volume: 70,
});

describe('log sender', () => {
  it('writes every log to disk before sending and ends cut-off playbacks once after a crash', async () => {
    const first = boot();
    await first.logs.send(entry('l1', 'p1', 'started'));
    await first.logs.send(entry('l2', 'p1', 'finished'));
    await first.logs.send(entry('l3', 'p2', 'started'));
    // kill -9: no clean shutdown, the database is simply closed.
    first.db.close();

    const second = boot();
    expect(second.logs.recoverOpenPlays()).toBe(1);
    const logs = second.onDisk();
    expect(logs.map((l) => [l.playId, l.event])).toEqual([
      ['p1', 'started'],
      ['p1', 'finished'],
      ['p2', 'started'],
      ['p2', 'interrupted'],
    ]);
    expect(logs[3]).toMatchObject({ commandId: 'c-p2', startedAt: T, volume: 70, ts: T + 99 });
    expect(logs[3]?.endedAt).toBeUndefined();
    second.db.close();

    // A second restart must not end p2 a second time.
    const third = boot();
    expect(third.logs.recoverOpenPlays()).toBe(0);
    expect(third.onDisk()).toHaveLength(4);
  });

  it('leaves a playback the scheduler will resume open, and ends it on request', async () => {
    const first = boot();
    await first.logs.send(entry('l1', 's1r1t9', 'started'));
    await first.logs.send(entry('l2', 'live', 'started'));
    first.db.close();

    const second = boot();
    expect(second.logs.recoverOpenPlays((playId) => playId === 's1r1t9')).toBe(1);
    expect(second.logs.openPlay('s1r1t9')).toMatchObject({ event: 'started', startedAt: T, volume: 70 });
    expect(second.logs.openPlay('live')).toBeNull();
    expect(second.logs.closeOpenPlay('s1r1t9')).toBe(true);
    expect(second.logs.closeOpenPlay('s1r1t9')).toBe(false);
    expect(second.onDisk().map((l) => [l.playId, l.event])).toEqual([
      ['s1r1t9', 'started'],
      ['live', 'started'],
      ['live', 'interrupted'],
      ['s1r1t9', 'interrupted'],
    ]);
  });

  it('drops a log that breaks the contract instead of throwing into the player', async () => {
    const { logs, onDisk } = boot();
    await logs.send({ ...entry('bad', 'p1', 'started'), sha256: 'nope' });
    expect(onDisk()).toEqual([]);
  });
});

describe('seen command ids on disk', () => {
  it('recognises a command id after a restart and forgets the oldest beyond its bound', () => {
    const a = boot();
    const seen = createSqliteSeenIds(a.db, 3);
    expect(['c1', 'c2', 'c3'].map((id) => seen.remember(id))).toEqual([true, true, true]);
    expect(seen.remember('c2')).toBe(false);
    a.db.close();
    const again = createSqliteSeenIds(boot().db, 3);
    expect(again.remember('c3')).toBe(false);
    expect(again.remember('c4')).toBe(true);
    expect(again.remember('c1')).toBe(true);
  });
});
