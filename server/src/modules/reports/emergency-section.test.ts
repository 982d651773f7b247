import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEmergencyReportSource } from './emergency-section.js';

describe('the emergency section of reports', () => {
  it('is empty and unavailable without the emergencies table', () => {
    const db = new Database(':memory:');
    expect(createEmergencyReportSource(db)([1], 0, 100)).toEqual({
      available: false,
      items: [],
      totals: { count: 0, targeted: 0, reached: 0 },
    });
  });

  it('reads emergencies of the given units in the period, with reach and latency', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE emergencies (id TEXT PRIMARY KEY, title TEXT, unit_id INTEGER, started_at INTEGER, targeted INTEGER,
      reached INTEGER, median_latency_ms INTEGER, max_latency_ms INTEGER)`);
    const ins = db.prepare('INSERT INTO emergencies VALUES (?,?,?,?,?,?,?,?)');
    ins.run('e1', 'Bão số 3', 1, 50, 12, 11, 800, 2100);
    ins.run('e2', 'Lũ', 2, 60, 5, 5, 700, 900); // another unit
    ins.run('e3', 'Cháy', 1, 500, 3, 3, 600, 700); // outside the period
    const s = createEmergencyReportSource(db)([1], 0, 100);
    expect(s.available).toBe(true);
    expect(s.items).toEqual([
      {
        id: 'e1',
        title: 'Bão số 3',
        startedAt: 50,
        targeted: 12,
        reached: 11,
        medianLatencyMs: 800,
        maxLatencyMs: 2100,
      },
    ]);
    expect(s.totals).toEqual({ count: 1, targeted: 12, reached: 11 });
  });
});
