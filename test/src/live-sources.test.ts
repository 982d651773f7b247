import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeTone, runFfmpeg, scratchDir } from './support/audio.js';
import { basicAuth, pull, walkFrames } from './support/live-client.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

/** ffmpeg processes of this process (the server runs in it) reading `url`: a failed start leaves none. */
const ffmpegReading = (url: string) => {
  try {
    return execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((c) => c.includes('ffmpeg') && c.includes(url)).length;
  } catch {
    return 0; // ps exits 1 when there are no children
  }
};

/** A station: serves an MP3 file as an endless stream, at real time (paced) or as fast as it is read. */
async function startStation(mp3: Buffer, paced: boolean) {
  const bytesPerTick = paced ? Math.round(16_000 / 10) : 64 * 1024; // 128 kb/s file, 100 ms ticks
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-cache' });
    let off = 0;
    const tick = () => {
      if (res.destroyed) return;
      const chunk = mp3.subarray(off, off + bytesPerTick);
      off = (off + bytesPerTick) % mp3.length;
      if (paced) {
        res.write(chunk);
        setTimeout(tick, 100);
      } else if (res.write(chunk)) setImmediate(tick);
      else res.once('drain', tick);
    };
    tick();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream.mp3`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('live sources: relay, microphone over WebSocket, slow listeners', () => {
  let server: TestServer;
  let device: RegisteredDevice;
  let mp3: Buffer;
  const info = async (id: string) =>
    (await server.api<{ mount: Record<string, unknown> }>('GET', `/api/v1/live/${id}`)).body.mount;
  const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    device = await registerDevice(server, '19753');
    mp3 = await readFile(await makeTone({ seconds: 60, format: 'mp3' }));
  }, 120_000);
  afterAll(async () => server?.close());

  it('relays a station: receivers get its audio re-encoded to the broadcast profile', async () => {
    const station = await startStation(mp3, true);
    try {
      const r = await server.api<{ mount: { id: string; state: string } }>('POST', '/api/v1/live', {
        kind: 'relay',
        unitCode: '46',
        title: 'Tiếp sóng Đài tỉnh',
        url: station.url,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.mount.state).toBe('live');
      const p = pull(server.baseUrl, `/live/${r.body.mount.id}.mp3`, basicAuth(device.deviceId, device.secret));
      await p.waitBytes(16_000);
      const frames = walkFrames(p.body());
      expect(frames.valid).toBe(true);
      expect(p.body().subarray(0, 4).toString('hex').slice(0, 3)).toBe('fff'); // MPEG sync
      const audit = await server.api<{ entries: Array<Record<string, unknown>> }>('GET', '/api/v1/audit?limit=20');
      expect(JSON.stringify(audit.body)).toContain(r.body.mount.id);
      await server.api('DELETE', `/api/v1/live/${r.body.mount.id}`);
      await p.closed;
    } finally {
      station.close();
    }
  }, 60_000);

  it('a stream URL that does not answer fails the start with a clear error, leaving nothing running', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const deadPort = (free.address() as net.AddressInfo).port;
    await new Promise((r) => free.close(r));
    const t0 = Date.now();
    const deadUrl = `http://127.0.0.1:${deadPort}/live.mp3`;
    const r = await server.api<{ error: { code: string; message: string } }>('POST', '/api/v1/live', {
      kind: 'relay',
      unitCode: '46',
      title: 'Trạm chết',
      url: deadUrl,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/127\.0\.0\.1:\d+.*gave no audio/);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await server.api<{ mounts: unknown[] }>('GET', '/api/v1/live')).body.mounts).not.toContainEqual(
      expect.objectContaining({ title: 'Trạm chết' }),
    );
    expect(ffmpegReading(deadUrl)).toBe(0);

    // Accepts the connection, never answers: bounded by the I/O timeout.
    const mute = net.createServer(() => {});
    await new Promise<void>((res) => mute.listen(0, '127.0.0.1', res));
    const muteUrl = `http://127.0.0.1:${(mute.address() as net.AddressInfo).port}/`;
    const silent = await server.api('POST', '/api/v1/live', {
      kind: 'relay',
      unitCode: '46',
      title: 'Trạm câm',
      url: muteUrl,
    });
    mute.close();
    expect(silent.status).toBe(422);
    expect(ffmpegReading(muteUrl)).toBe(0);
    const bad = await server.api('POST', '/api/v1/live', {
      kind: 'relay',
      unitCode: '46',
      title: 'x',
      url: 'file:///etc/passwd',
    });
    expect(bad.status).toBe(400);
  }, 60_000);

  it('drops a listener that never reads while a reading one keeps getting everything', async () => {
    const station = await startStation(mp3, false); // faster than real time, to fill socket buffers soon
    try {
      const r = await server.api<{ mount: { id: string } }>('POST', '/api/v1/live', {
        kind: 'relay',
        unitCode: '46',
        title: 'Nhanh',
        url: station.url,
      });
      expect(r.status).toBe(201);
      const id = r.body.mount.id;
      const auth = basicAuth(device.deviceId, device.secret);
      const slow = pull(server.baseUrl, `/live/${id}.mp3`, auth, { paused: true });
      const good = pull(server.baseUrl, `/live/${id}.mp3`, auth);
      await waitFor(
        () => info(id),
        (m) => m.droppedSlow === 1,
        'the slow listener dropped',
        120_000,
      );
      const m = await info(id);
      expect(m.listeners).toBe(1);
      // The reader was never held back: it has what the mount produced, and it keeps coming.
      const goodAtDrop = good.bytes();
      expect(goodAtDrop).toBeGreaterThan(1_000_000);
      await good.waitBytes(goodAtDrop + 50_000);
      expect(walkFrames(good.body()).valid).toBe(true);
      slow.close();
      await server.api('DELETE', `/api/v1/live/${id}`);
    } finally {
      station.close();
    }
  }, 180_000);

  describe('microphone over WebSocket', () => {
    let webm: Buffer;
    beforeAll(async () => {
      const out = `${await scratchDir()}/mic.webm`;
      const wav = await makeTone({ seconds: 8, format: 'wav', sampleRate: 48_000 });
      await runFfmpeg(['-y', '-v', 'error', '-i', wav, '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', out]);
      webm = await readFile(out);
    }, 60_000);

    const startMic = async () => {
      const r = await server.api<{ mount: { id: string; state: string } }>('POST', '/api/v1/live', {
        kind: 'mic',
        unitCode: '19753',
        title: 'Thông báo trực tiếp',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.mount.state).toBe('starting');
      return r.body.mount.id;
    };
    const connect = async (id: string, cookie = `nguon_session=${server.adminToken}`) => {
      const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/api/v1/live/${id}/source`, {
        headers: { cookie },
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return ws;
    };
    /** MediaRecorder-sized chunks, a little faster than real time. */
    const send = async (ws: WebSocket, bytes: Buffer) => {
      for (let off = 0; off < bytes.length; off += 4000) {
        ws.send(bytes.subarray(off, off + 4000));
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('turns browser chunks into the mount; a browser that vanishes ends it cleanly', async () => {
      const id = await startMic();
      const listener = pull(server.baseUrl, `/live/${id}.mp3`, basicAuth(device.deviceId, device.secret));
      const ws = await connect(id);
      await send(ws, webm.subarray(0, Math.floor(webm.length * 0.8)));
      await listener.waitBytes(20_000);
      expect((await info(id)).state).toBe('live');
      ws.terminate(); // no close frame: the network went away mid-announcement
      await listener.closed;
      const m = await waitFor(
        () => info(id),
        (v) => v.state === 'ended',
        'mount ended',
      );
      expect(m).toMatchObject({ endReason: 'source_lost', listeners: 0 });
      const got = walkFrames(listener.body());
      expect(got.valid).toBe(true);
      expect(got.ms).toBeGreaterThan(4000);
    }, 60_000);

    it('ends as stopped when the operator closes normally; refuses strangers and a second source', async () => {
      const id = await startMic();
      const anon = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/api/v1/live/${id}/source`);
      const refused = await new Promise<string>((resolve) => anon.once('error', (e) => resolve(String(e))));
      expect(refused).toContain('401');
      const ws = await connect(id);
      await send(ws, webm.subarray(0, 20_000));
      const second = await connect(id);
      const code = await new Promise<number>((resolve) => second.once('close', (c) => resolve(c)));
      expect(code).toBe(4409);
      ws.close(1000, 'xong');
      const m = await waitFor(
        () => info(id),
        (v) => v.state === 'ended',
        'mount ended',
      );
      expect(m.endReason).toBe('stopped');
    }, 60_000);
  });
});
