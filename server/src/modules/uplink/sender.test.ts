import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../db/db.js';
import type { Collector } from './collect.js';
import { createOutbox, type Outbox } from './outbox.js';
import { BACKOFF, backoffDelay, createUplinkSender, type UplinkClient, UplinkHttpError } from './sender.js';

let dir = '';
let database: OpenDatabase;
let outbox: Outbox;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'nguon-uplink-'));
  database = openDatabase(path.join(dir, 'db.sqlite'));
  outbox = createOutbox(database.db);
});
afterEach(() => {
  vi.useRealTimers();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const station = () => ({ unitId: 1, level: 'province', stationId: 'ST', stationName: 'Đài', provinceCode: '46' });
const idle: Collector = { snapshotStatuses: () => 0, queuePlayLogs: () => 0, snapshotSchedules: () => 0 };

/** A national side that fails the first `failures` calls, then accepts; it records what it accepted. */
function fakeClient(failures: number) {
  const accepted: Array<{ path: string; keys: unknown[] }> = [];
  let calls = 0;
  const client: UplinkClient = {
    async post(p, body) {
      calls++;
      if (calls <= failures) throw new UplinkHttpError(500, `POST ${p}: HTTP 500`);
      accepted.push({ path: p, keys: (body as { DanhSach: unknown[] }).DanhSach });
      return { DaNhan: 1, TrungLap: 0 };
    },
    get: async () => ({ DanhSach: [] }),
    download: async () => Buffer.alloc(0),
  };
  return { client, accepted, calls: () => calls };
}

describe('backoff', () => {
  it('doubles from 1 s up to 5 min, with half of each window random', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(3000);
    expect(backoffDelay(4, () => 0)).toBe(4000);
    expect(backoffDelay(40, () => 1)).toBe(BACKOFF.maxMs);
    expect(backoffDelay(40, () => 0)).toBe(BACKOFF.maxMs / 2);
  });
});

describe('outbox', () => {
  it('coalesces statuses per receiver and re-queues only what changed', () => {
    outbox.put('status', 'dev-1', 'seen@1', { v: 1 }, 1000);
    outbox.put('status', 'dev-1', 'seen@2', { v: 2 }, 1001);
    outbox.put('status', 'dev-2', 'seen@1', { v: 1 }, 1001);
    const rows = outbox.pending('status', 10);
    expect(rows.map((r) => [r.key, r.payload])).toEqual([
      ['dev-1', { v: 2 }],
      ['dev-2', { v: 1 }],
    ]);
    outbox.markSent(rows, 2000);
    expect(outbox.backlog().status).toBe(0);
    outbox.put('status', 'dev-1', 'seen@2', { v: 2 }, 3000);
    expect(outbox.backlog().status).toBe(0);
    outbox.put('status', 'dev-1', 'seen@3', { v: 3 }, 3000);
    expect(outbox.pending('status', 10).map((r) => r.payload)).toEqual([{ v: 3 }]);
  });

  it('does not mark sent a row that changed while its batch was in flight', () => {
    outbox.put('status', 'dev-1', 'a', { v: 1 }, 1000);
    const inFlight = outbox.pending('status', 10);
    outbox.put('status', 'dev-1', 'b', { v: 2 }, 1000); // same millisecond: still a newer row
    outbox.markSent(inFlight, 1500);
    expect(outbox.pending('status', 10).map((r) => r.payload)).toEqual([{ v: 2 }]);
  });

  it('appends a play log once, whatever is resent', () => {
    outbox.append('playlog', 'log-1', { n: 1 }, 1);
    outbox.append('playlog', 'log-1', { n: 2 }, 2);
    expect(outbox.pending('playlog', 10).map((r) => r.payload)).toEqual([{ n: 1 }]);
  });
});

describe('sender', () => {
  it('keeps rows on errors, backs off exponentially, marks sent only on 2xx', async () => {
    let now = 10_000;
    const fake = fakeClient(3);
    const sender = createUplinkSender({
      outbox,
      collector: idle,
      client: fake.client,
      station,
      pullBulletins: async () => undefined,
      intervalMs: 30_000,
      clock: () => now,
      log: pino({ level: 'silent' }),
      random: () => 0.5,
    });
    outbox.append('playlog', 'log-1', { NhatKyID: 'log-1' }, now);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(await sender.round()).toBe(false);
      waits.push(sender.state.nextAttemptAt! - now);
      expect(outbox.backlog().playlog).toBe(1);
      now = sender.state.nextAttemptAt!;
    }
    expect(waits).toEqual([750, 1500, 3000]);
    expect(sender.state).toMatchObject({
      consecutiveFailures: 3,
      lastError: { message: 'POST /v1/playlogs: HTTP 500' },
    });

    expect(await sender.round()).toBe(true);
    expect(fake.accepted).toEqual([{ path: '/v1/playlogs', keys: [{ NhatKyID: 'log-1' }] }]);
    expect(outbox.backlog().playlog).toBe(0);
    expect(sender.state).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: now, nextAttemptAt: now + 30_000 });
    expect(sender.state.sent.playlog).toBe(1);
  });

  it('runs on its own timers: retries after each backoff, then settles to the interval', async () => {
    vi.useFakeTimers({ now: 0 });
    const fake = fakeClient(2);
    const sender = createUplinkSender({
      outbox,
      collector: idle,
      client: fake.client,
      station,
      pullBulletins: async () => undefined,
      intervalMs: 30_000,
      clock: Date.now,
      log: pino({ level: 'silent' }),
      random: () => 1,
    });
    outbox.append('schedule', '1', { LichPhatID: '1' }, 0);
    sender.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(fake.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fake.calls()).toBe(3);
    expect(outbox.backlog().schedule).toBe(0);
    outbox.append('schedule', '2', { LichPhatID: '2' }, 0);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(fake.calls()).toBe(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.calls()).toBe(4);
    await sender.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.calls()).toBe(4);
  });
});
