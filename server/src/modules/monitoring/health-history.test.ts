import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Health } from '@nguon/schemas';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/db.js';
import { createHealthHistory } from './health-history.js';
import { createIngestWriter } from './ingest-writer.js';

const h = (cpuTempC: number | null, diskUsedPct: number): Health =>
  ({
    cpuTempC,
    diskUsedPct,
    memUsedPct: 10,
    load1: 0,
    volume: 50,
    muted: false,
    link: { type: 'cellular', signalDbm: -90 },
  }) as unknown as Health;

function setup(queueMax = 10_000) {
  const { sqlite } = openDatabase(path.join(mkdtempSync(path.join(tmpdir(), 'health-')), 'db.sqlite'));
  const clock = { now: 3_600_000 * 100 };
  const logs: string[] = [];
  const writer = createIngestWriter({
    sqlite,
    config: { flushMs: 60_000, batch: 100_000, queueMax, deviceRate: 1, deviceBurst: 1 },
    log: pino({ level: 'silent' }),
    storeLog: (_d, l) => void logs.push(l.id),
  });
  const history = createHealthHistory({
    sqlite,
    config: { rawMs: 3_600_000, fiveMinMs: 86_400_000, hourMs: 10 * 86_400_000 },
    clock: () => clock.now,
  });
  return { sqlite, clock, writer, history, logs };
}

describe('health history', () => {
  it('rolls raw samples up into 5-minute and hourly min/avg/max, incrementally', () => {
    const s = setup();
    const t = s.clock.now;
    s.writer.sample('d1', t, h(40, 50));
    s.writer.sample('d1', t + 60_000, h(50, 52));
    s.writer.flush();
    s.history.rollup();
    s.writer.sample('d1', t + 120_000, h(null, 54)); // a sensor that went missing does not count as 0
    s.writer.sample('d1', t + 400_000, h(60, 56));
    s.writer.flush();
    s.history.rollup();
    const five = s.history.series('d1', t, t + 3_600_000, '5m');
    expect(five.points).toEqual([
      expect.objectContaining({
        at: t,
        n: 3,
        temp: { min: 40, avg: 45, max: 50 },
        disk: { min: 50, avg: 52, max: 54 },
      }),
      expect.objectContaining({ at: t + 300_000, n: 1, temp: { min: 60, avg: 60, max: 60 } }),
    ]);
    const hour = s.history.series('d1', t, t + 3_600_000, '1h');
    expect(hour.points).toEqual([expect.objectContaining({ n: 4, temp: { min: 40, avg: 50, max: 60 } })]);
    expect(s.history.series('d1', t, t + 3_600_000, 'raw').points).toHaveLength(4);
    expect(s.history.series('d1', t, t + 60 * 86_400_000, 'auto').step).toBe('1h');
  });

  it('drops raw samples past their retention, keeping the buckets', () => {
    const s = setup();
    s.writer.sample('d1', s.clock.now, h(40, 50));
    s.writer.flush();
    s.history.rollup();
    s.clock.now += 2 * 3_600_000;
    s.history.rollup(); // records a newer checkpoint; nothing new to roll
    expect(s.history.retain()).toBe(1);
    expect(s.sqlite.prepare('SELECT count(*) FROM health_samples').pluck().get()).toBe(0);
    expect(s.sqlite.prepare("SELECT count(*) FROM health_rollups WHERE step = '5m'").pluck().get()).toBe(1);
  });

  it('drops heartbeats when the queue is full, but never playback logs', () => {
    const s = setup(3);
    const log = { id: 'l1' } as never;
    expect([1, 2, 3, 4].map((i) => s.writer.sample('d1', i, h(40, 50)))).toEqual([true, true, true, false]);
    s.writer.playbackLog('d1', log); // the queue is full: written at once rather than dropped
    expect(s.logs).toEqual(['l1']);
    expect(s.writer.stats()).toMatchObject({ samplesDropped: 1, samplesWritten: 3, logsWritten: 1 });
  });
});
