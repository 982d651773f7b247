import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerDevice, sameAddressEnv, startTestServer, type TestServer } from './support/server.js';

const DAY = 86_400_000;

/**
 * Issue 5: device events do not grow without bound. A real server on a real SQLite file; events are put
 * on record through the service the MQTT ingest uses, dated by the server's (test) clock.
 */
describe('device event retention', () => {
  let server: TestServer | undefined;
  let dataDir = '';
  afterAll(async () => {
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('deletes events past NGUON_DEVICE_EVENT_RETENTION_DAYS in batches, at start and on each pass', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-retention-'));
    let now = Date.now() - 100 * DAY;
    const env = { NGUON_DATA_DIR: dataDir, NGUON_DEVICE_EVENT_RETENTION_DAYS: '30' };
    server = await startTestServer(env, { clock: () => now });
    const { deviceId } = await registerDevice(server, '19753', 'Loa lưu sự kiện');
    const events = () => server!.running.services.deviceEvents;
    const record = (type: string) =>
      events().ingest(deviceId, { v: 1, id: randomUUID(), ts: now, type, level: 'info', message: type });
    // Read back through the service the events route uses (the admin session would expire as the clock jumps).
    const count = async (type?: string) => events().forDevice(deviceId, { limit: 10_000, type }).events.length;

    // 2 500 events 100 days old (more than two batches), then 40 days old, then fresh ones.
    for (let i = 0; i < 2500; i++) record('old');
    now += 60 * DAY;
    for (let i = 0; i < 3; i++) record('stale');
    now += 40 * DAY;
    for (let i = 0; i < 5; i++) record('fresh');
    expect(await count()).toBe(2508);

    expect(await events().retain()).toBe(2503);
    expect(await count('old')).toBe(0);
    expect(await count('stale')).toBe(0);
    expect(await count('fresh')).toBe(5);
    // Nothing left to delete: a second pass is a no-op.
    expect(await events().retain()).toBe(0);

    // The periodic pass runs at start: a server restarted later on the same file (and a shorter retention)
    // deletes what has aged past it without being asked.
    for (let i = 0; i < 2; i++) record('later');
    await server.close();
    now += 10 * DAY;
    server = await startTestServer(
      { ...env, ...sameAddressEnv(server), NGUON_DEVICE_EVENT_RETENTION_DAYS: '5' },
      { clock: () => now },
    );
    await vi.waitFor(async () => expect(await count()).toBe(0), { timeout: 10_000, interval: 100 });
    record('new');
    expect(await count('new')).toBe(1);
  }, 60_000);
});
