import { rm } from 'node:fs/promises';
import path from 'node:path';
import { formatVn } from '@nguon/schemas';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

/** A server restart must neither drop nor double an occurrence: keys are derived, not generated. */
describe('schedules across a server restart', () => {
  let dataDir = '';
  afterAll(async () => {
    await removeTestAudio();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('plans the same occurrences, once each, before and after a restart', async () => {
    const first = await startTestServer();
    dataDir = first.dataDir;
    const up = await uploadFile(first, await makeTone({ seconds: 2, format: 'wav' }), 'a.wav');
    const sha = (up.body as { sha256: string }).sha256;
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const b = await first.api<{ bulletin: { id: number } }>('POST', '/api/v1/bulletins', {
      unitCode: '46',
      title: 'Tin',
      items: [{ sha256: sha }],
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    await first.api('POST', `/api/v1/bulletins/${b.body.bulletin.id}/submit`);
    await first.api('POST', `/api/v1/bulletins/${b.body.bulletin.id}/approve`);
    const dev = await first.api<{ device: { id: string } }>('POST', '/api/v1/devices', {
      unitCode: '19753',
      name: 'Loa',
    });
    const soon = formatVn(Date.now() + 3 * 3_600_000).slice(11);
    const created = await first.api('POST', '/api/v1/schedules', {
      bulletinId: b.body.bulletin.id,
      recurrence: { kind: 'daily', time: soon },
      repeat: { count: 3, intervalMinutes: 20 },
      targets: [{ unit: '46' }],
    });
    expect(created.status).toBe(201);
    const to = new Date(Date.now() + 47 * 3_600_000).toISOString();
    const keys = async (s: TestServer) =>
      (
        await s.api<{ items: Array<{ key: string }> }>('GET', `/api/v1/devices/${dev.body.device.id}/playlist?to=${to}`)
      ).body.items.map((i) => i.key);
    const before = await keys(first);
    expect(before.length).toBe(6); // three repeats on each of two days within 48 hours
    await first.running.close(); // keep the data folder

    const second = await startTestServer({ NGUON_DATA_DIR: dataDir });
    expect(await keys(second)).toEqual(before);
    await second.running.services.playlists.refresh();
    await second.running.close();

    const db = new Database(path.join(dataDir, 'nguon.sqlite'), { readonly: true });
    const rows = db
      .prepare('SELECT occurrence_key, count(*) AS n FROM playlist_items WHERE device_id = ? GROUP BY occurrence_key')
      .all(dev.body.device.id) as Array<{ n: number }>;
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});
