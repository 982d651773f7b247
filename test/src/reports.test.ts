import path from 'node:path';
import { openDatabase } from '@nguon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

interface Figures {
  code: string;
  receivers: number;
  uptime: number | null;
  scheduled: number;
  played: number;
  missed: number;
  plays: number;
  airtimeMs: number;
}
interface Report {
  totals: Figures;
  units: Figures[];
  series: Array<{
    day: string;
    uptime: number | null;
    plays: number;
    scheduled: number;
    played: number;
    missed: number;
  }>;
  emergencies: { available: boolean; items: unknown[] };
}

const H = 3_600_000;
const BASE = Date.parse('2026-11-01T00:00:00+07:00');

/**
 * Reports up the tree from a scripted history (issue 8): a district with two communes, one receiver
 * each; presence transitions, proof-of-play items and playback logs written as ingest would have.
 */
describe('reports per unit and period', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NGUON_ALERT_EVAL_S: '3600' });
    const mk = (code: string, name: string, level: string, parentCode: string) =>
      server.api('POST', '/api/v1/units', { code, name, level, parentCode });
    await mk('7001', 'Huyện Báo Cáo', 'district', '46');
    await mk('70011', 'Xã Một', 'commune', '7001');
    await mk('70012', '=HYPERLINK("http://x")', 'commune', '7001');
    const d1 = (await registerDevice(server, '70011', 'Loa 1')).deviceId;
    const d2 = (await registerDevice(server, '70012', 'Loa 2')).deviceId;

    const { sqlite, close } = openDatabase(path.join(server.dataDir, 'nguon.sqlite'));
    sqlite.prepare('UPDATE devices SET created_at = ? WHERE id IN (?, ?)').run(BASE, d1, d2);
    const tr = sqlite.prepare(
      "INSERT INTO device_presence_transitions (device_id, state, at, reason) VALUES (?, ?, ?, 'connect')",
    );
    tr.run(d1, 'online', BASE + 1 * H);
    tr.run(d1, 'offline', BASE + 13 * H);
    tr.run(d2, 'online', BASE);
    const item = sqlite.prepare(
      `INSERT INTO playlist_items (device_id, occurrence_key, schedule_id, bulletin_id, bulletin_version, scheduled_at,
        planned_start, duration_ms, status, updated_at) VALUES (?, ?, 1, 1, 1, ?, ?, 60000, ?, ?)`,
    );
    item.run(d1, 'k1', BASE, BASE + 2 * H, 'played', BASE);
    item.run(d1, 'k2', BASE, BASE + 3 * H, 'played', BASE);
    item.run(d1, 'k3', BASE, BASE + 14 * H, 'missed', BASE);
    const log = sqlite.prepare(
      `INSERT INTO playback_logs (id, device_id, play_id, sha256, event, started_at, ended_at, played_ms, device_ts, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const sha = 'a'.repeat(64);
    log.run('l1', d1, 'k1', sha, 'finished', BASE + 2 * H, BASE + 2 * H + 60_000, 60_000, BASE, BASE);
    log.run('l2', d1, 'k2', sha, 'stopped', BASE + 3 * H, BASE + 3 * H + 30_000, 30_000, BASE, BASE);
    log.run('l3', d1, 'k2', sha, 'started', BASE + 3 * H, null, null, BASE, BASE); // not a completed play
    close();
  });
  afterAll(async () => server?.close());

  const q = `from=${encodeURIComponent(new Date(BASE).toISOString())}&to=${encodeURIComponent(new Date(BASE + 24 * H).toISOString())}`;

  it('aggregates exact uptime, proof of play and airtime up the tree, with daily series', async () => {
    const r = await server.api<Report>('GET', `/api/v1/reports/units/7001?${q}`);
    expect(r.status).toBe(200);
    // 12 h + 24 h online over 2 × 24 h.
    expect(r.body.totals).toMatchObject({
      receivers: 2,
      uptime: 0.75,
      scheduled: 3,
      played: 2,
      missed: 1,
      plays: 2,
      airtimeMs: 90_000,
    });
    const byCode = new Map(r.body.units.map((u) => [u.code, u]));
    expect(byCode.get('70011')).toMatchObject({ receivers: 1, uptime: 0.5, plays: 2 });
    expect(byCode.get('70012')).toMatchObject({ receivers: 1, uptime: 1, plays: 0 });
    expect(r.body.series).toEqual([
      { day: '2026-11-01', uptime: 0.75, scheduled: 3, played: 2, missed: 1, plays: 2, airtimeMs: 90_000 },
    ]);
    expect(r.body.emergencies).toMatchObject({
      available: true,
      items: [],
      totals: { count: 0, targeted: 0, reached: 0 },
    });

    // The province sees the same receivers within its own totals.
    const p = await server.api<Report>('GET', `/api/v1/reports/units/46?${q}`);
    expect(p.body.totals.receivers).toBeGreaterThanOrEqual(2);
    expect(p.body.units.find((u) => u.code === '7001')).toMatchObject({ receivers: 2, uptime: 0.75 });
  });

  it('exports CSV with a BOM and formulas neutralised', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/reports/units/7001/report.csv?${q}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFFsection,unit_code,')).toBe(true);
    const lines = text.split('\r\n');
    expect(lines).toContain('unit,7001,Huyện Báo Cáo,district,46,,2,75.000,3,2,1,2,90');
    expect(lines.find((l) => l.startsWith('unit,70012,'))).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines).toContain('day,7001,Huyện Báo Cáo,district,,2026-11-01,2,75.000,3,2,1,2,90');
  });

  it('refuses a period that ends before it starts', async () => {
    const r = await server.api('GET', `/api/v1/reports/units/7001?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`);
    expect(r.status).toBe(400);
  });
});
