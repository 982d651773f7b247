import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Outgoing } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AgentDb, openAgentDb } from '../storage/agent-db.js';
import { createOutbox } from './outbox.js';
import { createOutboxStore } from './outbox-store.js';

const silent = pino({ level: 'silent' });
const T = 1_790_000_000_000;
let dir: string;
let dbs: AgentDb[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-outbox-'));
  dbs = [];
});
afterEach(async () => {
  for (const db of dbs) if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const open = () => {
  const db = openAgentDb(join(dir, 'outbox.sqlite'));
  dbs.push(db);
  return db;
};
const msg = (n: string, bytes = 10): Outgoing => ({
  topic: `nguon/v1/dev/d/${n}`,
  payload: Buffer.alloc(bytes, 65),
  qos: 1,
  retain: false,
});
const big = { maxRows: 1_000_000, maxBytes: 1 << 30 };

describe('outbox store', () => {
  it('keeps rows across a reopen (WAL, synchronous FULL), oldest first', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const store = createOutboxStore(db, big);
    for (const id of ['a', 'b', 'c']) expect(store.enqueue(id, 'log', msg(id), T)).toBe('stored');
    expect(store.enqueue('a', 'log', msg('a'), T)).toBe('duplicate');
    db.close();
    const again = createOutboxStore(open(), big);
    expect(again.stats().rows).toBe(3);
    expect(again.oldest(10, new Set(['a'])).map((i) => i.id)).toEqual(['b', 'c']);
    again.remove(['b']);
    expect(again.oldest(10, new Set()).map((i) => i.id)).toEqual(['a', 'c']);
    expect(again.stats().rows).toBe(2);
  });

  it('when full, drops telemetry first, then events, never playback logs', () => {
    const store = createOutboxStore(open(), { maxRows: 4, maxBytes: 1 << 20 });
    store.enqueue('t1', 'telemetry', msg('t1'), T);
    store.enqueue('e1', 'event', msg('e1'), T);
    store.enqueue('l1', 'log', msg('l1'), T);
    store.enqueue('t2', 'telemetry', msg('t2'), T);
    expect(store.enqueue('l2', 'log', msg('l2'), T)).toBe('stored');
    expect(store.enqueue('l3', 'log', msg('l3'), T)).toBe('stored');
    expect(store.oldest(10, new Set()).map((i) => i.id)).toEqual(['e1', 'l1', 'l2', 'l3']);
    // Telemetry cannot displace an event or a log: refused.
    expect(store.enqueue('t3', 'telemetry', msg('t3'), T)).toBe('refused');
    expect(store.enqueue('l4', 'log', msg('l4'), T)).toBe('stored');
    expect(store.oldest(10, new Set()).map((i) => i.id)).toEqual(['l1', 'l2', 'l3', 'l4']);
    // Only playback logs left: a new one is refused and counted, the old ones stay.
    expect(store.enqueue('l5', 'log', msg('l5'), T)).toBe('refused');
    expect(store.enqueue('e2', 'event', msg('e2'), T)).toBe('refused');
    expect(store.stats()).toMatchObject({ rows: 4, full: true, refusedLogs: 1, dropped: 3 });
    expect(store.oldest(10, new Set()).map((i) => i.id)).toEqual(['l1', 'l2', 'l3', 'l4']);
  });

  it('bounds bytes too, and clears the full flag only well below the bound', () => {
    const store = createOutboxStore(open(), { maxRows: 1000, maxBytes: 3 * (1000 + 200) });
    for (const id of ['a', 'b', 'c']) store.enqueue(id, 'log', msg(id, 1000), T);
    expect(store.enqueue('d', 'log', msg('d', 1000), T)).toBe('refused');
    expect(store.stats().full).toBe(true);
    store.remove(['a']);
    expect(store.stats().full).toBe(false);
  });
});

describe('outbox sending', () => {
  function setup(opts: { connected?: boolean } = {}) {
    const store = createOutboxStore(open(), big);
    const acks = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
    const sent: string[] = [];
    let connected = opts.connected ?? true;
    const outbox = createOutbox({
      store,
      publish: (out) =>
        new Promise<void>((resolve, reject) => {
          const id = out.topic.split('/').pop() ?? '';
          sent.push(id);
          acks.set(id, { resolve, reject });
        }),
      connected: () => connected,
      logger: silent,
      random: () => 0,
      window: 2,
    });
    const ack = async (id: string) => {
      acks.get(id)?.resolve();
      await vi.waitFor(() => expect(store.oldest(10, new Set()).map((i) => i.id)).not.toContain(id));
    };
    return { store, outbox, sent, acks, ack, setConnected: (c: boolean) => (connected = c) };
  }

  it('sends oldest first within its window and deletes a row only once acknowledged', async () => {
    const { outbox, sent, ack, store } = setup();
    for (const id of ['a', 'b', 'c']) outbox.enqueue(id, 'log', msg(id));
    await vi.waitFor(() => expect(sent).toEqual(['a', 'b']));
    expect(outbox.pending()).toBe(3);
    await ack('a');
    await vi.waitFor(() => expect(sent).toEqual(['a', 'b', 'c']));
    await ack('c');
    await ack('b');
    expect(store.stats().rows).toBe(0);
    expect(await outbox.flush(1)).toBe(true);
  });

  it('holds everything while offline and sends it on connect; flush times out meanwhile', async () => {
    const { outbox, sent, ack, setConnected } = setup({ connected: false });
    outbox.enqueue('a', 'event', msg('a'));
    expect(await outbox.flush(20)).toBe(false);
    expect(sent).toEqual([]);
    setConnected(true);
    outbox.onConnect();
    const flushed = outbox.flush(5_000);
    await vi.waitFor(() => expect(sent).toEqual(['a']));
    await ack('a');
    expect(await flushed).toBe(true);
  });

  it('retries a failed publish after a backoff, without losing the row', async () => {
    const { outbox, sent, acks, ack } = setup();
    outbox.enqueue('a', 'log', msg('a'));
    await vi.waitFor(() => expect(sent).toEqual(['a']));
    acks.get('a')?.reject(new Error('connection closed'));
    await vi.waitFor(() => expect(sent).toEqual(['a', 'a']));
    await ack('a');
    expect(outbox.pending()).toBe(0);
  });
});
