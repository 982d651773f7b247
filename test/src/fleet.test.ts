import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet, type FleetDevice } from '@nguon/device-agent/fleet';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

interface DeviceRow {
  id: string;
  status: { online: boolean } | null;
}
interface Log {
  event: string;
  playId: string;
  playedMs: number | null;
}

const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';

/**
 * The fleet simulator against a real server: many real agents (createAgent) in this process, with the
 * timer player, skewed clocks and, in the second part, links cut and restored through the relay.
 */
describe('a fleet of simulated receivers', () => {
  let server: TestServer;
  let dataDir: string;
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-fleet-test-'));
  });
  afterEach(async () => {
    await Promise.all(fleets.splice(0).map((f) => f.stop()));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  function register(count: number, prefix: string): FleetDevice[] {
    const unit = server.running.services.units.byCode('19753');
    if (!unit) throw new Error('demo commune 19753 missing');
    return Array.from({ length: count }, (_, i) => {
      const { device, secret } = server.running.services.devices.register({ unitId: unit.id, name: `${prefix} ${i}` });
      return { deviceId: device.id, secret };
    });
  }

  async function onlineOnServer(ids: readonly string[]): Promise<number> {
    const res = await server.api<{ devices: DeviceRow[] }>('GET', '/api/v1/devices');
    const wanted = new Set(ids);
    return res.body.devices.filter((d) => wanted.has(d.id) && d.status?.online).length;
  }

  it('brings 200 agents with skewed clocks online, and the few that are told to play, play', async () => {
    const devices = register(200, 'Máy mô phỏng');
    const fleet = createFleet({
      devices,
      brokerUrl: server.running.brokerUrl,
      dataDir: path.join(dataDir, 'calm'),
      clockSkewMs: { max: 20_000 },
      heartbeatIntervalS: 5,
      connectsPerS: 400,
      logLevel: LOG_LEVEL,
    });
    fleets.push(fleet);
    await fleet.start();
    const ids = devices.map((d) => d.deviceId);
    await vi.waitFor(async () => expect(await onlineOnServer(ids)).toBe(200), { timeout: 30_000, interval: 250 });
    expect(fleet.stats()).toMatchObject({ devices: 200, started: 200, connected: 200, errors: 0 });
    const skews = fleet.members().map((m) => m.skewMs);
    expect(Math.max(...skews.map(Math.abs))).toBeLessThanOrEqual(20_000);
    expect(new Set(skews).size).toBeGreaterThan(150);

    const up = await uploadFile(server, await makeTone({ seconds: 2, format: 'wav' }), 'ban-tin.wav');
    expect(up.status).toBe(201);
    const media = up.body as { sha256: string; durationMs: number };
    const targets = ids.slice(0, 3);
    const plays = await Promise.all(
      targets.map((id) =>
        server.api<{ commandId: string; playId: string }>('POST', `/api/v1/devices/${id}/play`, {
          sha256: media.sha256,
        }),
      ),
    );
    for (const [i, id] of targets.entries()) {
      const finished = await vi.waitFor(
        async () => {
          const res = await server.api<{ logs: Log[] }>('GET', `/api/v1/devices/${id}/logs`);
          const mine = res.body.logs.filter((l) => l.playId === plays[i]!.body.playId);
          expect(mine.map((l) => l.event).sort()).toEqual(['finished', 'started']);
          return mine.find((l) => l.event === 'finished')!;
        },
        { timeout: 20_000, interval: 200 },
      );
      // The timer player lasts as long as the downloaded mp3 says it does.
      expect(Math.abs((finished.playedMs ?? 0) - media.durationMs)).toBeLessThan(300);
      const cmd = await server.api<{ command: { replies: Array<{ ok: boolean }> } }>(
        'GET',
        `/api/v1/commands/${plays[i]!.body.commandId}`,
      );
      expect(cmd.body.command.replies).toEqual([expect.objectContaining({ ok: true })]);
    }
    expect(fleet.stats()).toMatchObject({ plays: 3, finished: 3, commands: 3, errors: 0 });
  });

  it('recovers every agent after links were cut and restored at random', async () => {
    const devices = register(40, 'Máy mô phỏng chập chờn');
    const ids = devices.map((d) => d.deviceId);
    const fleet = createFleet({
      devices,
      brokerUrl: server.running.brokerUrl,
      dataDir: path.join(dataDir, 'flaky'),
      flakiness: { meanUpS: 2, meanDownS: 0.5 },
      heartbeatIntervalS: 5,
      logLevel: LOG_LEVEL,
    });
    fleets.push(fleet);
    await fleet.start();
    // On average every link was cut once and its agent came back by itself at least once.
    await vi.waitFor(
      () => {
        const s = fleet.stats();
        expect(s.cuts).toBeGreaterThanOrEqual(40);
        expect(s.connects).toBeGreaterThanOrEqual(80);
      },
      { timeout: 30_000, interval: 100 },
    );
    fleet.setFlakiness(null);
    // The agents' own backoff brings them back; the server must see every one online again.
    await vi.waitFor(
      async () => {
        expect(fleet.stats().connected).toBe(40);
        expect(await onlineOnServer(ids)).toBe(40);
      },
      { timeout: 45_000, interval: 250 },
    );
    expect(fleet.stats().disconnects).toBeGreaterThanOrEqual(40);
  });
});
