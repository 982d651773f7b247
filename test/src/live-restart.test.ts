import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { emergencyOf, startEmergency } from './support/emergency.js';
import { basicAuth, pull, walkFrames } from './support/live-client.js';
import {
  type RegisteredDevice,
  registerDevice,
  sameAddressEnv,
  startTestServer,
  type TestServer,
} from './support/server.js';
import { uploadFile } from './support/upload.js';

/** A station serving an MP3 file as an endless stream at real-time pace. */
async function startStation(mp3: Buffer, port = 0) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-cache' });
    let off = 0;
    const tick = () => {
      if (res.destroyed) return;
      res.write(mp3.subarray(off, off + 1600));
      off = (off + 1600) % mp3.length;
      setTimeout(tick, 100);
    };
    tick();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/stream.mp3`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

interface Mount {
  id: string;
  state: string;
  kind: string;
}

/**
 * Issue 7: relay and file mounts survive a server restart on the same SQLite file, under the same id,
 * so an emergency airing one keeps a valid URL. A microphone mount (an operator's session) does not
 * come back, nor does a mount the operator stopped.
 */
describe('live mounts across a server restart', () => {
  let server: TestServer;
  let dataDir = '';
  let device: RegisteredDevice;
  let station: Awaited<ReturnType<typeof startStation>>;
  let mp3: Buffer;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-live-restart-'));
    server = await startTestServer({ NGUON_DATA_DIR: dataDir });
    device = await registerDevice(server, '19753');
    mp3 = await readFile(await makeTone({ seconds: 30, format: 'mp3' }));
    station = await startStation(mp3);
  }, 120_000);
  afterAll(async () => {
    station?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  const start = async (body: Record<string, unknown>) => {
    const r = await server.api<{ mount: Mount }>('POST', '/api/v1/live', { unitCode: '46', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.mount;
  };
  /** What a receiver hears on a mount: valid MP3 frames, about a second of them. */
  async function hears(id: string) {
    const p = pull(server.baseUrl, `/live/${id}.mp3`, basicAuth(device.deviceId, device.secret));
    expect((await p.head).status).toBe(200);
    await p.waitBytes(8_000);
    p.close();
    const frames = walkFrames(p.body());
    expect(frames.valid).toBe(true);
    expect(frames.frames).toBeGreaterThan(10);
  }
  const waitLive = (id: string) =>
    vi.waitFor(
      async () => {
        const r = await server.api<{ mount: Mount }>('GET', `/api/v1/live/${id}`);
        expect(r.status).toBe(200);
        expect(r.body.mount.state).toBe('live');
      },
      { timeout: 30_000, interval: 200 },
    );
  async function restart() {
    const env = sameAddressEnv(server);
    await server.close();
    server = await startTestServer(env);
  }

  it('brings relay and file mounts back under the same id; the emergency on one keeps its URL', async () => {
    const up = await uploadFile(server, await makeTone({ seconds: 5, format: 'wav' }), 'chuong-trinh.wav');
    expect(up.status).toBe(201);
    const relay = await start({ kind: 'relay', title: 'Tiếp sóng Đài tỉnh', url: station.url });
    const file = await start({
      kind: 'file',
      title: 'Phát tệp',
      sha256: (up.body as { sha256: string }).sha256,
      plays: 20,
    });
    const mic = await start({ kind: 'mic', title: 'Micro' });
    await hears(relay.id);
    await hears(file.id);
    const e = await startEmergency(server, {
      targets: { units: ['19753'] },
      source: { kind: 'live', mountId: relay.id },
      validForS: 600,
    });

    await restart();
    await waitLive(relay.id);
    await waitLive(file.id);
    await hears(relay.id);
    await hears(file.id);
    expect((await server.api('GET', `/api/v1/live/${mic.id}`)).status).toBe(404);
    // The emergency is still on and the URL its receivers were given answers with audio again.
    expect((await emergencyOf(server, e.emergency.id)).emergency.state).toBe('active');
    const p = pull(server.baseUrl, `/live/${relay.id}.mp3`, basicAuth(device.deviceId, device.secret));
    await p.waitBytes(4_000);
    p.close();

    // A mount the operator stopped stays stopped across the next restart.
    expect((await server.api('DELETE', `/api/v1/live/${relay.id}`)).status).toBe(200);
    await restart();
    await waitLive(file.id);
    expect((await server.api('GET', `/api/v1/live/${relay.id}`)).status).toBe(404);
    const listed = await server.api<{ mounts: Mount[] }>('GET', '/api/v1/live');
    expect(listed.body.mounts.map((m) => m.id)).toEqual([file.id]);
  }, 120_000);

  it('restores a relay whose station is still away when the server comes back, once it answers', async () => {
    const away = await startStation(mp3);
    const port = Number(new URL(away.url).port);
    const relay = await start({ kind: 'relay', title: 'Đài huyện', url: away.url });
    await hears(relay.id);
    const env = sameAddressEnv(server);
    await server.close();
    away.close();
    // While the station is away, something on its port refuses every request (and counts them).
    let refused = 0;
    const refuser = http.createServer((_req, res) => {
      refused++;
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => refuser.listen(port, '127.0.0.1', r));
    server = await startTestServer(env);
    await vi.waitFor(() => expect(refused).toBeGreaterThan(0), { timeout: 30_000, interval: 100 });
    refuser.closeAllConnections();
    await new Promise((r) => refuser.close(r));
    const back = await startStation(mp3, port);
    try {
      await waitLive(relay.id);
      await hears(relay.id);
    } finally {
      back.close();
    }
  }, 120_000);
});
