import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone } from './support/audio.js';
import { basicAuth, pull, walkFrames } from './support/live-client.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

/** A live mount fed by a stored file in real time: what receivers pull, and who may pull it. */
describe('live mounts: serving, fan-out, counts and scope', () => {
  let server: TestServer;
  let inside: RegisteredDevice;
  let outside: RegisteredDevice;
  let sha256 = '';
  let outsideOperator = '';
  let insideOperator = '';

  const waitFor = async <T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (ok(v)) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const info = async (id: string) =>
    (await server.api<{ mount: Record<string, unknown> }>('GET', `/api/v1/live/${id}`)).body.mount;
  const startFile = async (plays = 1) => {
    const r = await server.api<{ mount: { id: string }; streamUrl: string }>('POST', '/api/v1/live', {
      kind: 'file',
      unitCode: '46',
      title: 'Tiếp sóng bản tin',
      sha256,
      plays,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await server.api('POST', '/api/v1/units', { code: '48', name: 'Tỉnh ngoài', level: 'province', parentCode: 'VN' });
    await server.api('POST', '/api/v1/units', { code: '20200', name: 'Xã ngoài', level: 'commune', parentCode: '48' });
    inside = await registerDevice(server, '19753', 'Loa trong');
    outside = await registerDevice(server, '20200', 'Loa ngoài');
    const up = await uploadFile(server, await makeTone({ seconds: 12, format: 'wav' }), 'ban-tin.wav');
    expect(up.status).toBe(201);
    sha256 = (up.body as { sha256: string }).sha256;
    const password = 'outside-op-pass-1';
    await server.api('POST', '/api/v1/users', {
      username: 'op-ngoai',
      displayName: 'op',
      password,
      role: 'commune_operator',
      unitCode: '20200',
    });
    const login = await server.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { username: 'op-ngoai', password },
      null,
    );
    outsideOperator = login.body.token;
    await server.api('POST', '/api/v1/users', {
      username: 'op-trong',
      displayName: 'op',
      password,
      role: 'commune_operator',
      unitCode: '19753',
    });
    insideOperator = (
      await server.api<{ token: string }>('POST', '/api/v1/auth/login', { username: 'op-trong', password }, null)
    ).body.token;
  }, 120_000);
  afterAll(async () => server?.close());

  it('a receiver gets MP3 frames from a frame boundary at once, then at real-time rate', async () => {
    const { mount, streamUrl } = await startFile(3);
    expect(streamUrl).toBe(`${server.baseUrl}/live/${mount.id}.mp3`);
    // Let the burst fill, so a joiner gets it.
    await waitFor(
      () => info(mount.id),
      (m) => Number(m.bytesIn) > 4000,
      'audio in the mount',
    );
    const t0 = Date.now();
    const p = pull(server.baseUrl, `/live/${mount.id}.mp3`, basicAuth(inside.deviceId, inside.secret));
    const head = await p.head;
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('audio/mpeg');
    expect(head.headers['content-length']).toBeUndefined();
    expect(head.headers['cache-control']).toContain('no-cache');
    expect(head.headers['ice-audio-info']).toBe('ice-samplerate=22050;ice-bitrate=64;ice-channels=1');
    expect(head.headers['icy-br']).toBe('64');
    await p.waitBytes(2000, 10_000);
    expect(Date.now() - t0).toBeLessThan(3000);
    const first = walkFrames(p.body());
    expect(first.valid, 'the stream starts on a frame header').toBe(true);
    expect(first.frames).toBeGreaterThan(5);

    // Real time: about 8,000 bytes a second at 64 kb/s after the burst.
    const b1 = p.bytes();
    const t1 = Date.now();
    await p.waitBytes(b1 + 24_000, 10_000);
    const rate = (p.bytes() - b1) / ((Date.now() - t1) / 1000);
    expect(rate).toBeGreaterThan(5_500);
    expect(rate).toBeLessThan(12_000);
    const all = walkFrames(p.body());
    expect(all.valid, 'every frame after the burst is whole and in order').toBe(true);
    p.close();
    await server.api('DELETE', `/api/v1/live/${mount.id}`);
  }, 60_000);

  it('counts listeners exactly through connects, closes and the end of the mount', async () => {
    const { mount } = await startFile(3);
    const auth = basicAuth(inside.deviceId, inside.secret);
    const ps = [0, 1, 2, 3].map(() => pull(server.baseUrl, `/live/${mount.id}.mp3`, auth));
    await Promise.all(ps.map((p) => p.waitBytes(1000)));
    expect((await info(mount.id)).listeners).toBe(4);
    ps[0]?.close();
    ps[1]?.close();
    ps[1]?.close(); // a double close counts once
    await waitFor(
      () => info(mount.id),
      (m) => m.listeners === 2,
      'two listeners left',
    );
    // A console preview by a user in scope counts like a receiver.
    const preview = pull(server.baseUrl, `/live/${mount.id}.mp3`, `Bearer ${server.adminToken}`);
    await preview.waitBytes(500);
    expect((await info(mount.id)).listeners).toBe(3);
    const stopped = await server.api<{ mount: Record<string, unknown> }>('DELETE', `/api/v1/live/${mount.id}`);
    expect(stopped.body.mount).toMatchObject({ state: 'ended', endReason: 'stopped', listeners: 0, connects: 5 });
    await Promise.all([ps[2]?.closed, ps[3]?.closed, preview.closed]);
    expect((await info(mount.id)).listeners).toBe(0);
    const late = pull(server.baseUrl, `/live/${mount.id}.mp3`, auth);
    expect((await late.head).status).toBe(404);
  }, 60_000);

  it('refuses a receiver outside the mount unit, another unit operator, and strangers', async () => {
    const { mount } = await startFile(3);
    const path = `/live/${mount.id}.mp3`;
    const out = pull(server.baseUrl, path, basicAuth(outside.deviceId, outside.secret));
    expect((await out.head).status).toBe(403);
    const wrong = pull(server.baseUrl, path, basicAuth(inside.deviceId, 'not-the-secret'));
    expect((await wrong.head).status).toBe(401);
    const op = pull(server.baseUrl, path, `Bearer ${outsideOperator}`);
    expect((await op.head).status).toBe(403);
    expect((await server.api('GET', `/api/v1/live/${mount.id}`, undefined, outsideOperator)).status).toBe(403);
    expect((await server.api('DELETE', `/api/v1/live/${mount.id}`, undefined, outsideOperator)).status).toBe(403);
    const list = await server.api<{ mounts: unknown[] }>('GET', '/api/v1/live', undefined, outsideOperator);
    expect(list.body.mounts).toEqual([]);
    const start = await server.api(
      'POST',
      '/api/v1/live',
      { kind: 'file', unitCode: '46', title: 'x', sha256 },
      outsideOperator,
    );
    expect(start.status).toBe(403);
    // Audio held only by another commune's library cannot be aired from here, even on one's own unit.
    const foreign = await uploadFile(server, await makeTone({ seconds: 1, format: 'wav' }), 'x.wav', insideOperator);
    const body = { kind: 'file', unitCode: '20200', title: 'x', sha256: (foreign.body as { sha256: string }).sha256 };
    expect((await server.api('POST', '/api/v1/live', body, outsideOperator)).status).toBe(403);
    expect((await info(mount.id)).state).toBe('live');
    expect((await info(mount.id)).listeners).toBe(0);
    await server.api('DELETE', `/api/v1/live/${mount.id}`);
  }, 60_000);

  it('a file mount ends by itself after its plays, and its listeners see the end of the stream', async () => {
    const { mount } = await startFile(1);
    const p = pull(server.baseUrl, `/live/${mount.id}.mp3`, basicAuth(inside.deviceId, inside.secret));
    await p.closed;
    const m = await info(mount.id);
    expect(m).toMatchObject({ state: 'ended', endReason: 'finished', listeners: 0 });
    const got = walkFrames(p.body());
    expect(got.valid).toBe(true);
    // The file is 12 s; a late joiner lost at most what came before it joined, minus the 2 s burst.
    expect(got.ms).toBeGreaterThan(9_000);
    expect(got.ms).toBeLessThan(13_000);
  }, 60_000);
});
