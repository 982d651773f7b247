import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioFormat, makeTone, measure, removeTestAudio } from './support/audio.js';
import { unusableAudioCases } from './support/rejected-uploads.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

interface MediaFile {
  sha256: string;
  sourceSha256: string;
  originalName: string;
  sourceFormat: string;
  sizeBytes: number;
  durationMs: number;
  sourceLoudnessLufs: number | null;
  loudnessLufs: number | null;
  profile: string;
}
interface ApiError {
  error: { code: string; message: string };
}

const TARGET_LUFS = -16;
const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** Everything in the store and every row: a rejected upload must change neither. */
async function snapshot(server: TestServer) {
  const root = path.join(server.dataDir, 'media');
  const files = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  const temps = (await readdir(path.join(server.dataDir, 'tmp'))).filter((n) => n.startsWith('media-'));
  const rows = await server.api<{ media: MediaFile[] }>('GET', '/api/v1/media?limit=500');
  return {
    files: files.filter((f) => f.endsWith('.mp3')).sort(),
    temps,
    rows: rows.body.media.map((m) => m.sha256).sort(),
  };
}

describe('media pipeline: upload, normalise, store, serve', () => {
  let server: TestServer;
  let wav: string;
  let stored: MediaFile;

  beforeAll(async () => {
    server = await startTestServer();
    wav = await makeTone({ seconds: 8, format: 'wav' });
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  async function expectBroadcastReady(source: string, media: MediaFile) {
    const src = await measure(source);
    const file = path.join(server.dataDir, 'media', media.sha256.slice(0, 2), `${media.sha256}.mp3`);
    // Content address: the name is the hash of the bytes, and the row describes those bytes.
    expect(await sha256(file)).toBe(media.sha256);
    expect((await stat(file)).size).toBe(media.sizeBytes);
    expect(Math.abs(media.durationMs - src.durationMs)).toBeLessThanOrEqual(100);
    expect(Math.abs((media.loudnessLufs ?? 0) - TARGET_LUFS)).toBeLessThanOrEqual(1);
    // Measured independently of the server's own report, on the stored MP3 itself.
    const out = await measure(file);
    expect(Math.abs(out.lufs - TARGET_LUFS), `stored file measures ${out.lufs} LUFS`).toBeLessThanOrEqual(1);
    expect(Math.abs(out.durationMs - src.durationMs)).toBeLessThanOrEqual(100);
    expect(out.stream).toMatch(/Audio: mp3, 22050 Hz, mono/);
    expect(media.sourceLoudnessLufs).toBeLessThan(-20);
  }

  it('turns a quiet WAV into a −16 LUFS mono MP3 at its content address', async () => {
    const res = await uploadFile(server, wav, 'bản tin sáng.wav');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    stored = res.body as unknown as MediaFile;
    expect(stored).toMatchObject({
      sourceSha256: await sha256(wav),
      originalName: 'bản tin sáng.wav',
      sourceFormat: 'wav/pcm_s16le',
      profile: 'mp3-mono-64k-22050-I-16',
    });
    await expectBroadcastReady(wav, stored);
  });

  it.each<[AudioFormat, 1 | 2]>([
    ['mp3', 1],
    ['ogg', 1],
    ['m4a', 2],
  ])('normalises %s (%i channel) the same way', async (format, channels) => {
    const source = await makeTone({ seconds: 6, format, channels });
    const res = await uploadFile(server, source);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await expectBroadcastReady(source, res.body as unknown as MediaFile);
  });

  it('stores a second upload of the same audio once', async () => {
    const before = await snapshot(server);
    const res = await uploadFile(server, wav, 'again.wav');
    expect(res.status).toBe(201);
    expect((res.body as unknown as MediaFile).sha256).toBe(stored.sha256);
    expect(await snapshot(server)).toEqual(before);
  });

  describe('rejects unusable uploads with a clear message and leaves nothing behind', () => {
    const cases = unusableAudioCases;
    it.each(cases)('%s', async (_name, make, status, code, message) => {
      const file = await make();
      const before = await snapshot(server);
      const res = await uploadFile(server, file);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      const { error } = res.body as unknown as ApiError;
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await snapshot(server)).toEqual(before);
    });
  });

  it('requires a logged-in user to upload', async () => {
    const res = await uploadFile(server, wav, 'x.wav', null);
    expect(res.status).toBe(401);
  });

  describe('serving the audio to receivers', () => {
    const url = () => `${server.baseUrl}/api/v1/media/${stored.sha256}/file`;
    const get = (headers: Record<string, string> = {}, auth = true) =>
      fetch(url(), { headers: auth ? { authorization: `Bearer ${server.adminToken}`, ...headers } : headers });

    it('sends the whole file with a strong ETag and immutable caching', async () => {
      const res = await get();
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex')).toBe(stored.sha256);
      expect(
        Object.fromEntries(
          ['content-type', 'etag', 'accept-ranges', 'cache-control', 'content-length'].map((h) => [
            h,
            res.headers.get(h),
          ]),
        ),
      ).toEqual({
        'content-type': 'audio/mpeg',
        etag: `"${stored.sha256}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'private, max-age=31536000, immutable',
        'content-length': String(stored.sizeBytes),
      });
    });

    it('answers a byte range with 206, and an impossible one with 416', async () => {
      const res = await get({ range: 'bytes=0-99' });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes 0-99/${stored.sizeBytes}`);
      const part = Buffer.from(await res.arrayBuffer());
      expect(part.length).toBe(100);
      const whole = await readFile(
        path.join(server.dataDir, 'media', stored.sha256.slice(0, 2), `${stored.sha256}.mp3`),
      );
      expect(part.equals(whole.subarray(0, 100))).toBe(true);

      const tail = await get({ range: `bytes=${stored.sizeBytes - 10}-` });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(-10))).toBe(true);

      const beyond = await get({ range: `bytes=${stored.sizeBytes}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${stored.sizeBytes}`);
    });

    it('answers If-None-Match with 304 and no body', async () => {
      const res = await get({ 'if-none-match': `"${stored.sha256}"` });
      expect(res.status).toBe(304);
      expect((await res.arrayBuffer()).byteLength).toBe(0);
      expect(res.headers.get('etag')).toBe(`"${stored.sha256}"`);
    });

    it('lets a receiver download with its device credentials, and nobody without', async () => {
      expect((await get({}, false)).status).toBe(401);
      const device = await registerDevice(server, '19753');
      const basic = Buffer.from(`${device.deviceId}:${device.secret}`).toString('base64');
      const res = await get({ authorization: `Basic ${basic}` }, false);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(stored.sizeBytes);
    });

    it('serves metadata, and 404 / 400 for unknown or malformed addresses', async () => {
      const meta = await server.api<MediaFile>('GET', `/api/v1/media/${stored.sha256}`);
      expect(meta.status).toBe(200);
      expect(meta.body).toEqual(stored);
      expect((await server.api('GET', `/api/v1/media/${'0'.repeat(64)}/file`)).status).toBe(404);
      expect((await server.api('GET', '/api/v1/media/not-a-hash/file')).status).toBe(400);
    });
  });
});

describe('media upload limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NGUON_UPLOAD_MAX_MB: '0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  it('refuses a file over the limit with 413 and stores nothing', async () => {
    const big = await makeTone({ seconds: 5, format: 'wav' });
    const res = await uploadFile(server, big);
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect((res.body as unknown as ApiError).error.code).toBe('payload_too_large');
    expect(await snapshot(server)).toEqual({ files: [], temps: [], rows: [] });
  });
});
