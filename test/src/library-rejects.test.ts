import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, removeTestAudio } from './support/audio.js';
import { storeSnapshot, uploadToLibrary, waitForJob } from './support/library.js';
import { type RejectCase, unusableAudioCases } from './support/rejected-uploads.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('library uploads that are refused, leaving nothing behind', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NGUON_UPLOAD_MAX_MB: '2', NGUON_MAX_AUDIO_MINUTES: '1' });
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  const cases: RejectCase[] = [
    ...unusableAudioCases,
    [
      'a file over the upload limit',
      () => makeTone({ seconds: 25, format: 'wav' }),
      413,
      'payload_too_large',
      /larger than the upload limit/,
    ],
    [
      'a recording over the length limit',
      () => makeTone({ seconds: 70, format: 'mp3' }),
      422,
      'unprocessable',
      /is 70\.\d s long; the limit is 1 minutes/,
    ],
    [
      'a blip too short to measure',
      () => makeTone({ seconds: 0.2, format: 'wav' }),
      422,
      'unprocessable',
      /only 0\.2 s/,
    ],
  ];

  it.each(cases)('%s', async (_name, make, status, code, message) => {
    const file = await make();
    const before = await storeSnapshot(server);
    const res = await uploadToLibrary(server, file, { unitCode: '19753' });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
    expect(await storeSnapshot(server)).toEqual(before);
  });
});

describe('unit storage quota', () => {
  let server: TestServer;
  // 0.15 MB: about 19 s of broadcast MP3 at 64 kb/s.
  beforeAll(async () => {
    server = await startTestServer({ NGUON_UNIT_QUOTA_MB: '0.15' });
  });
  afterAll(async () => {
    await server?.close();
    await removeTestAudio();
  });

  it('refuses an upload that would pass the quota with 413 naming used and limit, and stores nothing', async () => {
    const first = await uploadToLibrary(server, await makeTone({ seconds: 10, format: 'wav' }), { unitCode: '19753' });
    expect(first.status).toBe(202);
    expect((await waitForJob(server, first.body.job.id)).state).toBe('succeeded');

    const before = await storeSnapshot(server);
    const res = await uploadToLibrary(server, await makeTone({ seconds: 15, format: 'mp3' }), { unitCode: '19753' });
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toMatch(
      /^the media library of .+ has no room: 0\.08 MB of 0\.15 MB used and this recording needs about 0\.12 MB\. /,
    );
    expect(res.body.error).toMatchObject({ message: expect.stringContaining('Delete items') });
    expect(await storeSnapshot(server)).toEqual(before);

    // The quota is the unit's: another commune still has room.
    const other = await uploadToLibrary(server, await makeTone({ seconds: 15, format: 'mp3' }), { unitCode: '46' });
    expect(other.status).toBe(202);
    expect((await waitForJob(server, other.body.job.id)).state).toBe('succeeded');
  });
});

describe('text-to-speech requests that are refused at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it.each([
    ['empty text', '   ', /text/i],
    ['text in another script', 'Внимание! Ураган приближается к побережью, всем оставаться дома.', /script|Cyrillic/i],
    ['control characters', 'Thông báo\u0007 họp dân', /control/i],
    ['only symbols', '!!! ??? ...', /no words/i],
  ])('refuses %s with a clear 4xx and queues no job', async (_name, text, message) => {
    const jobs = async () => (await server.api<{ jobs: unknown[] }>('GET', '/api/v1/jobs')).body.jobs.length;
    const before = await jobs();
    const res = await server.api('POST', '/api/v1/library/tts', { text, title: 'Thử', unitCode: '19753' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toMatch(message);
    expect(await jobs()).toBe(before);
  });
});
