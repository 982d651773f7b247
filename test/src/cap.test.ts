/**
 * CAP ingest end to end with a real server (SQLite, ffmpeg, eSpeak): real CAP XML files posted with a
 * sender token. The emergency service is stood in for by a recording starter; the lead's end-to-end
 * test covers the real one.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmergencyStarter, EmergencyStartInput } from '@nguon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTone, measure } from './support/audio.js';
import { capFixture, capTime, createCapSender, postCap, signCap } from './support/cap.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

/** Stands in for the emergency service: records each start and stop, airs nothing. */
function recordingStarter() {
  const started: Array<{ id: string; input: EmergencyStartInput; unitId: number; label: string }> = [];
  const stopped: Array<{ id: string; reason: string }> = [];
  const starter: EmergencyStarter = {
    async start(input, actor) {
      const id = `em-${started.length + 1}`;
      started.push({ id, input, unitId: actor.unitId, label: actor.label });
      return { id, targeted: input.targets.deviceIds.length + input.targets.unitIds.length };
    },
    async stop(id, _actor, reason) {
      stopped.push({ id, reason });
    },
  };
  return { starter, started, stopped };
}

const SENDER = 'canhbao@kttv-hue.gov.vn';
const HOUR = 3_600_000;

describe('CAP 1.2 ingest', () => {
  const rec = recordingStarter();
  let server: TestServer;
  let token = '';
  let commune = 0;
  let province = 0;
  let audioServer: Server;
  let audioBase = '';
  let wav = Buffer.alloc(0);
  let n = 0;
  const sent = () => capTime(Date.now() - 60_000 + n++ * 1000);
  const fill = (values: Record<string, string>) => ({
    IDENTIFIER: `KTTV-${++n}`,
    SENDER,
    SENT: sent(),
    EXPIRES: capTime(Date.now() + 2 * HOUR),
    UNIT_CODE: '19753',
    ...values,
  });

  beforeAll(async () => {
    server = await startTestServer({}, { emergencies: rec.starter });
    commune = (await server.api<{ unit: { id: number } }>('GET', '/api/v1/units/19753')).body.unit.id;
    province = (await server.api<{ unit: { id: number } }>('GET', '/api/v1/units/46')).body.unit.id;
    token = (await createCapSender(server, { sender: SENDER, unitCode: '46' })).token;
    // A unit without receivers is answered "no receivers" and airs nothing: give the commune one.
    await registerDevice(server, '19753', 'Loa chợ Đông Ba');
    wav = await readFile(await makeTone({ seconds: 2, format: 'wav' }));
    audioServer = createServer((req, res) => (req.url === '/storm.wav' ? res.end(wav) : res.writeHead(404).end()));
    await new Promise<void>((r) => audioServer.listen(0, '127.0.0.1', r));
    audioBase = `http://127.0.0.1:${(audioServer.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    audioServer?.close();
    await server?.close();
  });

  let stormXml = '';
  let stormRef = '';
  it('airs a Vietnamese TTS alert on the geocoded unit until <expires>, as a real broadcast file', async () => {
    const values = fill({});
    stormXml = await capFixture('storm-tts.xml', values);
    stormRef = `${SENDER},${values.IDENTIFIER},${values.SENT}`;
    const r = await postCap(server, stormXml, token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.alert).toMatchObject({ outcome: 'aired', emergencyId: 'em-1', identifier: values.IDENTIFIER });
    expect(rec.started).toHaveLength(1);
    const { input, unitId, label } = rec.started[0]!;
    expect(input).toMatchObject({
      origin: 'cap',
      capAlertId: r.body.alert!.id,
      title: 'Bão số 3 đổ bộ vào Huế',
      targets: { unitIds: [commune], deviceIds: [] },
      expiresAt: Date.parse(values.EXPIRES!),
    });
    expect({ unitId, label }).toEqual({ unitId: province, label: `cap:${SENDER}` });
    if (input.source.kind !== 'media') throw new Error('expected a media source');
    const file = await server.running.services.media.locate(input.source.sha256);
    if (!file) throw new Error('the TTS audio is not in the media store');
    expect((await measure(file.path)).durationMs).toBeGreaterThan(500);
  }, 180_000);

  it('answers a repeat with the same result and starts nothing', async () => {
    const first = (await server.api<{ alerts: Array<{ id: string; identifier: string }> }>('GET', '/api/v1/cap/alerts'))
      .body.alerts[0]!;
    const r = await postCap(server, stormXml, token, 'application/xml');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ duplicate: true, alert: { id: first.id, outcome: 'aired', emergencyId: 'em-1' } });
    expect(rec.started).toHaveLength(1);
  });

  it('targets receivers by polygon against their positions, set through the device edit route', async () => {
    const inside = (await registerDevice(server, '19774', 'Loa bến đò')).deviceId;
    const outside = (await registerDevice(server, '20014', 'Loa đầm phá')).deviceId;
    for (const [id, lat, lon] of [
      [inside, 16.45, 107.55],
      [outside, 16.9, 107.9],
    ] as const)
      expect((await server.api('PATCH', `/api/v1/devices/${id}`, { lat, lon })).status).toBe(200);
    const xml = await capFixture('flood-polygon.xml', fill({}));
    const r = await postCap(server, xml, token, 'application/cap+xml; charset=utf-8');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(rec.started.at(-1)!.input.targets).toEqual({ unitIds: [], deviceIds: [inside] });
    // Without a <expires>, the configured default duration (60 minutes).
    expect(rec.started.at(-1)!.input.expiresAt).toBeGreaterThan(Date.now() + HOUR - 60_000);
  }, 180_000);

  it('airs an attached audio resource checked against its SHA-1 digest', async () => {
    const digest = createHash('sha1').update(wav).digest('hex');
    const xml = await capFixture('audio-resource.xml', fill({ URI: `${audioBase}/storm.wav`, DIGEST: digest }));
    const before = rec.started.length;
    const r = await postCap(server, xml, token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(rec.started).toHaveLength(before + 1);
    const source = rec.started.at(-1)!.input.source;
    expect(source.kind).toBe('media');
    const file = source.kind === 'media' ? await server.running.services.media.locate(source.sha256) : undefined;
    expect(file?.file.sourceSha256).toBe(createHash('sha256').update(wav).digest('hex'));
  }, 180_000);

  it('refuses a resource with a bad digest or that cannot be fetched; nothing starts', async () => {
    const before = rec.started.length;
    const bad = await capFixture('audio-resource.xml', fill({ URI: `${audioBase}/storm.wav`, DIGEST: '0'.repeat(40) }));
    const r = await postCap(server, bad, token);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'unprocessable', details: { reason: 'digest_mismatch' } });
    const gone = await capFixture('audio-resource.xml', fill({ URI: `${audioBase}/gone.wav`, DIGEST: '0'.repeat(40) }));
    const g = await postCap(server, gone, token);
    expect(g.status).toBe(422);
    expect(g.body.error?.details).toMatchObject({ reason: 'resource_unreachable' });
    expect(rec.started).toHaveLength(before);
  });

  it('Update replaces the referenced alert and Cancel stops it', async () => {
    const values = fill({ REFERENCES: stormRef });
    const u = await postCap(server, await capFixture('update.xml', values), token);
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    expect(rec.stopped).toEqual([{ id: 'em-1', reason: `CAP Update ${values.IDENTIFIER}` }]);
    const updateId = u.body.alert!.emergencyId!;
    const c = await postCap(
      server,
      await capFixture('cancel.xml', fill({ REFERENCES: `${SENDER},${values.IDENTIFIER},${values.SENT}` })),
      token,
    );
    expect(c.status).toBe(201);
    expect(c.body.alert).toMatchObject({ outcome: 'cancelled' });
    expect(rec.stopped.map((s) => s.id)).toEqual(['em-1', updateId]);
  }, 180_000);

  it('stores but does not air a Test alert, and says so', async () => {
    const before = rec.started.length;
    const r = await postCap(server, await capFixture('test-status.xml', fill({})), token);
    expect(r.status).toBe(201);
    expect(r.body.alert).toMatchObject({ outcome: 'not_actual', emergencyId: null });
    expect(r.body.alert!.note).toContain('không phát');
    expect(rec.started).toHaveLength(before);
  });

  it('refuses bad XML, a DTD, missing fields and an expired alert with clear errors; nothing starts', async () => {
    const before = rec.started.length;
    const malformed = await postCap(server, '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><sender>', token);
    expect(malformed.status).toBe(400);
    const xxe = await postCap(server, await capFixture('xxe.xml', fill({})), token);
    expect(xxe.status).toBe(400);
    expect(xxe.body.error?.message).toMatch(/DTD/);
    const missing = await postCap(server, await capFixture('missing-fields.xml', fill({})), token);
    expect(missing.status).toBe(400);
    const paths = ((missing.body.error?.details ?? []) as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/alert/sent',
        '/alert/msgType',
        '/alert/info[0]/category',
        '/alert/info[0]/certainty',
        '/alert/info[0]/area[0]/areaDesc',
        '/alert/info[0]/area[0]/polygon[0]',
      ]),
    );
    const expired = await postCap(
      server,
      await capFixture('storm-tts.xml', fill({ EXPIRES: capTime(Date.now() - 60_000) })),
      token,
    );
    expect(expired.status).toBe(422);
    expect(expired.body.error?.details).toMatchObject({ reason: 'expired' });
    const json = await fetch(`${server.baseUrl}/api/v1/cap/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"alert":1}',
    });
    expect(json.status).toBe(415);
    expect(rec.started).toHaveLength(before);
  });

  it('refuses unknown tokens, user tokens, a token for another sender, and unsigned alerts when a key is set', async () => {
    const before = rec.started.length;
    const xml = await capFixture('storm-tts.xml', fill({}));
    expect((await postCap(server, xml, null)).status).toBe(401);
    expect((await postCap(server, xml, 'not-a-sender-token')).status).toBe(401);
    expect((await postCap(server, xml, server.adminToken)).status).toBe(401);
    const other = await createCapSender(server, { sender: 'pccc@hue.gov.vn', unitCode: '46' });
    const foreign = await postCap(server, xml, other.token);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error?.message).toMatch(/pccc@hue.gov.vn/);
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const signer = await createCapSender(server, { sender: 'ks@hue.gov.vn', unitCode: '46', certificate: publicKey });
    const unsigned = await postCap(
      server,
      await capFixture('storm-tts.xml', fill({ SENDER: 'ks@hue.gov.vn' })),
      signer.token,
    );
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error?.message).toMatch(/sign/);
    const tampered = signCap(
      await capFixture('test-status.xml', fill({ SENDER: 'ks@hue.gov.vn' })),
      privateKey,
    ).replace('Bản tin thử nghiệm', 'Bản tin giả mạo');
    expect((await postCap(server, tampered, signer.token)).status).toBe(401);
    expect(rec.started).toHaveLength(before);
    const signed = signCap(await capFixture('storm-tts.xml', fill({ SENDER: 'ks@hue.gov.vn' })), privateKey);
    const ok = await postCap(server, signed, signer.token);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.alert?.outcome).toBe('aired');
    expect(rec.started).toHaveLength(before + 1);
  }, 180_000);

  it('revokes a sender, lists alerts for operators with their outcome, and audits each post', async () => {
    const victim = await createCapSender(server, { sender: 'tam@hue.gov.vn', unitCode: '46' });
    expect((await server.api('POST', `/api/v1/cap/senders/${victim.id}/revoke`)).status).toBe(200);
    const xml = await capFixture('test-status.xml', fill({ SENDER: 'tam@hue.gov.vn' }));
    expect((await postCap(server, xml, victim.token)).status).toBe(401);
    const senders = await server.api<{ senders: Array<{ sender: string; revokedAt: number | null }> }>(
      'GET',
      '/api/v1/cap/senders',
    );
    expect(JSON.stringify(senders.body)).not.toContain('token');
    expect(senders.body.senders.find((s) => s.sender === 'tam@hue.gov.vn')!.revokedAt).not.toBeNull();

    const list = await server.api<{ alerts: Array<{ id: string; outcome: string; rawXml?: string }> }>(
      'GET',
      '/api/v1/cap/alerts',
    );
    const outcomes = list.body.alerts.map((a) => a.outcome);
    for (const o of ['aired', 'cancelled', 'not_actual', 'refused']) expect(outcomes).toContain(o);
    expect(list.body.alerts[0]!.rawXml).toBeUndefined();
    const one = await server.api<{ alert: { rawXml: string } }>('GET', `/api/v1/cap/alerts/${list.body.alerts[0]!.id}`);
    expect(one.body.alert.rawXml).toContain('urn:oasis:names:tc:emergency:cap:1.2');

    const audit = await server.api<{ entries: Array<{ route: string; outcome: string; details: unknown }> }>(
      'GET',
      '/api/v1/audit?limit=500',
    );
    const posts = audit.body.entries.filter((e) => e.route === '/api/v1/cap/alerts');
    expect(posts.some((e) => e.outcome === 'ok' && JSON.stringify(e.details).includes(SENDER))).toBe(true);
    expect(posts.some((e) => e.outcome === 'denied')).toBe(true);
  });
});
