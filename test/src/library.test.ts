import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, measure, removeTestAudio } from './support/audio.js';
import {
  type AudioSource,
  type Job,
  type LibraryItem,
  makeFormat,
  measureBroadcast,
  storedPath,
  storeSnapshot,
  uploadToLibrary,
  waitForJob,
} from './support/library.js';
import { startTestServer, type TestServer } from './support/server.js';

const TARGET_LUFS = -16;

describe('media library: formats, sharing, scope, deletion, TTS', () => {
  let server: TestServer;
  const token: Record<'op1' | 'op2' | 'province', string> = { op1: '', op2: '', province: '' };

  async function login(username: string, role: string, unitCode: string) {
    const password = 'library-password-1';
    const created = await server.api('POST', '/api/v1/users', {
      username,
      displayName: username,
      password,
      role,
      unitCode,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await server.api<{ token: string }>('POST', '/api/v1/auth/login', { username, password }, null);
    return res.body.token;
  }

  /** The status of a GET, whatever the body (JSON or audio). */
  const statusOf = async (url: string, bearer: string) =>
    (await fetch(`${server.baseUrl}${url}`, { headers: { authorization: `Bearer ${bearer}` } })).status;

  /** Uploads, waits for the job, and returns the item it made. */
  async function ingest(file: string, o: Parameters<typeof uploadToLibrary>[2] = {}): Promise<LibraryItem> {
    const res = await uploadToLibrary(server, file, o);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForJob(server, res.body.job.id, undefined, o.token ?? undefined);
    expect(job, JSON.stringify(job)).toMatchObject({ state: 'succeeded', progress: 1 });
    const item = await server.api<{ item: LibraryItem }>('GET', `/api/v1/library/${job.result!.itemId}`);
    return item.body.item;
  }

  beforeAll(async () => {
    server = await startTestServer();
    const commune = await server.api('POST', '/api/v1/units', {
      code: '19999',
      name: 'Xã khác',
      level: 'commune',
      parentCode: '46',
    });
    expect(commune.status).toBe(201);
    token.op1 = await login('lib-op1', 'commune_operator', '19753');
    token.op2 = await login('lib-op2', 'commune_operator', '19999');
    token.province = await login('lib-prov', 'province_operator', '46');
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  const FORMATS: AudioSource[] = ['wav', 'mp3', 'm4a', 'ogg', 'opus', 'webm', 'amr'];
  it.each(FORMATS)('turns %s into a library item at −16 LUFS, peaks under −1 dBTP', async (format) => {
    // A different length each, or two formats of the same audio (ogg and webm Opus) would be one item.
    const source = await makeFormat(format, 5 + FORMATS.indexOf(format) / 4);
    const item = await ingest(source, { unitCode: '19753', name: `bản tin.${format}` });
    expect(item).toMatchObject({
      unitId: expect.any(Number),
      kind: 'upload',
      title: 'bản tin',
      originalName: `bản tin.${format}`,
    });
    const file = storedPath(server, item.sha256);
    expect(
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    ).toBe(item.sha256);
    // Measured independently of the server, on the stored MP3.
    const out = await measureBroadcast(file);
    expect(Math.abs(out.lufs - TARGET_LUFS), `${format}: ${out.lufs} LUFS`).toBeLessThanOrEqual(1);
    expect(out.truePeakDb, `${format}: true peak`).toBeLessThanOrEqual(-1);
    expect(out.stream).toMatch(/Audio: mp3, 22050 Hz, mono/);
    expect(Math.abs(out.durationMs - (await measure(source)).durationMs)).toBeLessThanOrEqual(150);
    expect(Math.abs((item.loudnessLufs ?? 0) - out.lufs)).toBeLessThanOrEqual(0.3);
  });

  it('keeps one item per unit for the same audio, and one file for all units', async () => {
    const source = await makeTone({ seconds: 4, format: 'wav', amplitude: 0.3 });
    const first = await ingest(source, { unitCode: '19753', title: 'Thông báo họp' });
    const before = await storeSnapshot(server);

    const again = await uploadToLibrary(server, source, { unitCode: '19753', title: 'lần nữa' });
    expect(again.status).toBe(200);
    expect(again.body.item).toMatchObject({ id: first.id, title: 'Thông báo họp' });

    const other = await uploadToLibrary(server, source, { unitCode: '19999' });
    expect(other.status).toBe(201);
    expect(other.body.item.id).not.toBe(first.id);
    expect(other.body.item.sha256).toBe(first.sha256);
    const after = await storeSnapshot(server);
    expect(after.files).toEqual(before.files);
    expect(after.jobs).toEqual(before.jobs);
    expect(after.items).toEqual([...before.items, other.body.item.id].sort((a, b) => a - b));
  });

  describe('scope', () => {
    let item: LibraryItem;
    beforeAll(async () => {
      item = await ingest(await makeTone({ seconds: 3, format: 'mp3' }), { token: token.op1 });
    });

    it("hides a commune's item from another commune's operator: no listing, metadata, preview or file", async () => {
      expect(item.unitId).not.toBe((await server.api<{ id: number }>('GET', '/api/v1/units/19999')).body.id);
      const list = await server.api<{ items: LibraryItem[] }>('GET', '/api/v1/library', undefined, token.op2);
      expect(list.body.items.map((i) => i.id)).not.toContain(item.id);
      for (const url of [
        `/api/v1/library/${item.id}`,
        `/api/v1/library/${item.id}/audio`,
        `/api/v1/media/${item.sha256}`,
        `/api/v1/media/${item.sha256}/file`,
      ]) {
        expect(await statusOf(url, token.op2), url).toBe(403);
      }
    });

    it('streams to its own commune and the province above, with Range and ETag', async () => {
      for (const t of [token.op1, token.province]) {
        const res = await fetch(`${server.baseUrl}${item.audioUrl}`, {
          headers: { authorization: `Bearer ${t}`, range: 'bytes=0-99' },
        });
        expect(res.status).toBe(206);
        expect(res.headers.get('content-type')).toBe('audio/mpeg');
        expect(res.headers.get('etag')).toBe(`"${item.sha256}"`);
        expect(res.headers.get('content-range')).toBe(`bytes 0-99/${item.sizeBytes}`);
        expect((await res.arrayBuffer()).byteLength).toBe(100);
      }
    });

    it("lets content flow down: the province's item is readable in its communes, not deletable there", async () => {
      const provincial = await ingest(await makeTone({ seconds: 2, format: 'ogg' }), { token: token.province });
      for (const url of [`/api/v1/library/${provincial.id}`, `/api/v1/media/${provincial.sha256}/file`]) {
        expect(await statusOf(url, token.op2), url).toBe(200);
      }
      expect((await server.api('DELETE', `/api/v1/library/${provincial.id}`, undefined, token.op2)).status).toBe(403);
    });

    it("refuses an upload aimed at a commune outside the caller's unit", async () => {
      const res = await uploadToLibrary(server, await makeTone({ seconds: 1, format: 'wav' }), {
        unitCode: '19999',
        token: token.op1,
      });
      expect(res.status).toBe(403);
    });
  });

  it('deletes softly, and removes the file only with the last item that holds it', async () => {
    const source = await makeTone({ seconds: 2, format: 'm4a' });
    const a = await ingest(source, { unitCode: '19753' });
    const b = (await uploadToLibrary(server, source, { unitCode: '19999' })).body.item;
    const del = (id: number) => server.api<{ contentRemoved: boolean }>('DELETE', `/api/v1/library/${id}`);
    expect((await del(a.id)).body).toEqual({ deleted: true, contentRemoved: false });
    expect((await server.api('GET', `/api/v1/library/${a.id}`)).status).toBe(404);
    expect((await stat(storedPath(server, a.sha256))).isFile()).toBe(true);
    expect((await del(b.id)).body).toEqual({ deleted: true, contentRemoved: true });
    await expect(stat(storedPath(server, a.sha256))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await del(b.id)).status).toBe(404);
  });

  it('reads text aloud into a −16 LUFS item (TTS, then the same transcode)', async () => {
    const text = 'Thông báo: Ủy ban nhân dân xã tổ chức tiêm phòng vào sáng thứ Bảy, ngày 21/11.';
    const res = await server.api<{ job: Job }>('POST', '/api/v1/library/tts', {
      text,
      title: 'Tiêm phòng',
      unitCode: '19753',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForJob(server, res.body.job.id);
    expect(job, JSON.stringify(job.error)).toMatchObject({ state: 'succeeded', kind: 'tts', title: 'Tiêm phòng' });
    const item = (await server.api<{ item: LibraryItem }>('GET', `/api/v1/library/${job.result!.itemId}`)).body.item;
    expect(item).toMatchObject({ kind: 'tts', title: 'Tiêm phòng', originalName: null });
    expect(item.durationMs).toBeGreaterThan(2000);
    const out = await measureBroadcast(storedPath(server, item.sha256));
    expect(Math.abs(out.lufs - TARGET_LUFS)).toBeLessThanOrEqual(1);
    expect(out.truePeakDb).toBeLessThanOrEqual(-1);
  });
});
