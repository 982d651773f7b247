import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Playlist } from '@nguon/protocols';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentDb, openAgentDb } from '../storage/agent-db.js';
import { createScheduleStore } from './schedule-store.js';

const T = 1_790_000_000_000;
let dir: string;
let dbs: AgentDb[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-schedule-store-'));
  dbs = [];
});
afterEach(async () => {
  for (const db of dbs) if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh process on the same SQLite file, as after a restart (or a kill -9: nothing is flushed). */
function boot(bootId: string | null = 'boot-1') {
  const db = openAgentDb(join(dir, 'agent.sqlite'));
  dbs.push(db);
  return { db, store: createScheduleStore(db, { bootId }) };
}

const playlist = (version: number, keys: string[]): Playlist => ({
  v: 1,
  id: crypto.randomUUID(),
  ts: T,
  version,
  horizonEnd: T + 3_600_000,
  items: keys.map((key, i) => ({
    key,
    startAt: T + i * 60_000,
    durationMs: 10_000,
    priority: 3,
    title: key,
    media: [{ sha256: 'a'.repeat(64), url: 'http://127.0.0.1/m', sizeBytes: 10, durationMs: 10_000 }],
  })),
});

describe('schedule store', () => {
  it('keeps only a newer playlist, across restarts', () => {
    const first = boot();
    expect(first.store.playlist()).toBeNull();
    expect(first.store.apply(playlist(5, ['a']))).toBe(true);
    expect(first.store.apply(playlist(4, ['old']))).toBe(false);
    expect(first.store.apply(playlist(5, ['same']))).toBe(false);
    first.db.close();
    const second = boot();
    expect(second.store.playlist()?.items.map((i) => i.key)).toEqual(['a']);
    expect(second.store.apply(playlist(6, ['b']))).toBe(true);
    expect(second.store.playlist()?.version).toBe(6);
  });

  it('journals an occurrence from its start to its end, durably', () => {
    const first = boot();
    first.store.begin('k1', T, T + 5);
    first.store.begin('k1', T, T + 99); // a second begin changes nothing
    first.store.end('k2', T, 'skipped'); // ended without ever starting
    first.db.close();
    const second = boot();
    expect(second.store.started('k1')).toEqual({ startedAt: T + 5, ended: false });
    expect(second.store.isOpen('k1')).toBe(true);
    expect(second.store.started('k2')).toMatchObject({ ended: true });
    second.store.end('k1', T, 'finished');
    expect(second.store.isOpen('k1')).toBe(false);
    expect(second.store.started('nope')).toBeUndefined();
    second.store.prune(T + 8 * 86_400_000);
    expect(second.store.started('k1')).toBeUndefined();
  });

  it('offers the last clock offset only within the same boot', () => {
    const first = boot('boot-1');
    expect(first.store.bootOffset()).toBeNull();
    first.store.rememberOffset(-300_012);
    first.db.close();
    const restarted = boot('boot-1');
    expect(restarted.store.bootOffset()).toBe(-300_012);
    restarted.db.close();
    expect(boot('boot-2').store.bootOffset()).toBeNull();
  });
});
