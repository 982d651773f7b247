import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/db.js';
import { createEmergencyReportSource } from './emergency-section.js';

describe('the emergency section of reports', () => {
  it('reads emergencies of the given units in the period, with reach and latency from the reach rows', () => {
    const { sqlite, close } = openDatabase(':memory:');
    const ins = sqlite.prepare(
      `INSERT INTO emergencies (id, title, origin, unit_id, actor_label, targets, target_unit_ids, source, repeat,
         volume, areas, device_topics, approved_on_send, state, started_at, expires_at)
       VALUES (?, ?, 'operator', ?, 'admin', '{}', ?, '{}', 1, 100, '[]', '[]', 0, 'expired', ?, ?)`,
    );
    ins.run('e1', 'Bão số 3', 1, '[5]', 50, 1000);
    ins.run('e2', 'Lũ', 2, '[6]', 60, 1000); // another unit
    ins.run('e3', 'Cháy', 1, '[5]', 500, 1000); // outside the period
    ins.run('e4', 'Sạt lở', 9, '[5, 7]', 70, 1000); // started above, aimed at unit 5
    const reach = sqlite.prepare(
      'INSERT INTO emergency_reach (emergency_id, device_id, offline_at_start, started_at) VALUES (?, ?, 0, ?)',
    );
    reach.run('e1', 'd1', 850);
    reach.run('e1', 'd2', 2150);
    reach.run('e1', 'd3', 1050);
    reach.run('e1', 'd4', null); // never started
    const s = createEmergencyReportSource(sqlite)([1, 5], 0, 100);
    expect(s.items.map((i) => i.id)).toEqual(['e1', 'e4']);
    expect(s.items[0]).toEqual({
      id: 'e1',
      title: 'Bão số 3',
      startedAt: 50,
      state: 'expired',
      targeted: 4,
      reached: 3,
      medianLatencyMs: 1000,
      maxLatencyMs: 2100,
    });
    expect(s.totals).toEqual({ count: 2, targeted: 4, reached: 3 });
    close();
  });
});
