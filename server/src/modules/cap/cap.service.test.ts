import { createHash } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../db/db.js';
import { AppError } from '../../errors.js';
import { createDevicesService } from '../devices/devices.service.js';
import type { EmergencyStarter, EmergencyStartInput } from '../emergency/emergency.types.js';
import { createScopeQueries } from '../units/scope.js';
import { createUnitsService } from '../units/units.service.js';
import { createCapRepository } from './cap.repository.js';
import { createCapService } from './cap.service.js';
import { sampleAlert, sampleArea } from './cap-sample.js';
import { createCapSenders } from './cap-senders.js';

/** Stands in for the emergency service: records what CAP asked for, starts nothing. */
function recordingStarter() {
  const started: Array<{ id: string; input: EmergencyStartInput; label: string }> = [];
  const stopped: Array<{ id: string; reason: string }> = [];
  const starter: EmergencyStarter = {
    async start(input, actor) {
      const id = `em-${started.length + 1}`;
      started.push({ id, input, label: actor.label });
      return {
        id,
        targeted: input.targets.deviceIds.length + 10 * input.targets.unitIds.length,
      };
    },
    async stop(id, _actor, reason) {
      stopped.push({ id, reason });
    },
  };
  return { starter, started, stopped };
}

const NOW = Date.UTC(2026, 10, 22, 1, 30); // 08:30 in Vietnam
const SENDER = 'canhbao@kttv.gov.vn';
const audioBytes = Buffer.from('pretend this is an mp3');

function setup(database: OpenDatabase) {
  const { db } = database;
  const scopes = createScopeQueries(db);
  const units = createUnitsService({ db, scopes });
  const devices = createDevicesService({ db, units, scopes });
  const vn = units.create({ code: 'VN', name: 'Việt Nam', level: 'national' });
  const province = units.create({ code: '46', name: 'Huế', level: 'province', parentId: vn.id });
  const a = units.create({ code: '19753', name: 'Xã A', level: 'commune', parentId: province.id });
  const other = units.create({ code: '48', name: 'Đà Nẵng', level: 'province', parentId: vn.id });
  devices.register({ unitId: a.id, name: 'Loa A', lat: 16.45, lon: 107.55 });
  const inside = devices.register({ unitId: province.id, name: 'Loa tỉnh', lat: 16.46, lon: 107.56 }).device.id;
  devices.register({ unitId: province.id, name: 'Loa xa', lat: 16.9, lon: 107.9 });
  devices.register({ unitId: other.id, name: 'Loa ngoài', lat: 16.46, lon: 107.56 });
  const rec = recordingStarter();
  const repo = createCapRepository(db);
  const senders = createCapSenders({ repo, scopes, clock: () => NOW });
  const ingested: string[] = [];
  const deps: Parameters<typeof createCapService>[0] = {
    repo,
    db,
    units,
    scopes,
    emergencies: rec.starter,
    audio: {
      media: {
        ingest: async ({ originalName }) => {
          ingested.push(originalName);
          return { sha256: 'a'.repeat(64) } as never;
        },
        tempPath: (s) => `${process.env.TMPDIR ?? '/tmp'}/cap-test-${Math.random()}${s}`,
      },
      tts: { normalize: (t) => t, synthesize: async () => ({ audio: Buffer.from('RIFF'), format: 'wav' }) },
      config: { resourceMaxBytes: 1 << 20, resourceTimeoutMs: 1000 },
    },
    config: {
      maxXmlBytes: 1 << 20,
      defaultDurationMs: 3_600_000,
      resourceMaxBytes: 1 << 20,
      resourceTimeoutMs: 1000,
      repeat: 2,
    },
    clock: () => NOW,
    log: pino({ level: 'silent' }),
  };
  const service = createCapService(deps);
  const { sender } = senders.create({ sender: SENDER, name: 'KTTV', unitId: province.id }, null);
  const senderRow = repo.sender(sender.id)!;
  return { service, deps, rec, senderRow, a, province, inside, ingested, repo };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: AppError) =>
      `${e.code}${e.details && 'reason' in (e.details as object) ? `:${(e.details as { reason: string }).reason}` : ''}`,
  );

describe('CAP alert service', () => {
  let database: OpenDatabase;
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    database = openDatabase(':memory:');
    t = setup(database);
  });
  afterEach(() => database.close());

  it('airs an Actual alert by geocode with TTS, the expiry from <expires>, and dedupes a repeat', async () => {
    const xml = sampleAlert({ infos: [{ expires: '2026-11-22T10:00:00+07:00' }] });
    const first = await t.service.receive(xml, t.senderRow);
    expect(first.alert).toMatchObject({ outcome: 'aired', emergencyId: 'em-1', audio: { origin: 'tts' } });
    expect(t.rec.started).toHaveLength(1);
    expect(t.rec.started[0]!.input).toMatchObject({
      origin: 'cap',
      capAlertId: first.alert.id,
      targets: { unitIds: [t.a.id], deviceIds: [] },
      source: { kind: 'media', sha256: 'a'.repeat(64) },
      expiresAt: Date.UTC(2026, 10, 22, 3, 0),
      repeat: 2,
    });
    expect(t.rec.started[0]!.label).toBe(`cap:${SENDER}`);
    const again = await t.service.receive(xml, t.senderRow);
    expect(again).toMatchObject({ duplicate: true, alert: { id: first.alert.id, outcome: 'aired' } });
    expect(t.rec.started).toHaveLength(1);
    // Still the same answer after it expired.
    const later = createCapService({ ...t.deps, clock: () => Date.UTC(2026, 10, 22, 4, 0) });
    expect(await later.receive(xml, t.senderRow)).toMatchObject({ duplicate: true, alert: { id: first.alert.id } });
  });

  it('selects receivers by polygon within the sender unit only, with the default expiry', async () => {
    const area =
      '<area><areaDesc>Vùng trũng</areaDesc><polygon>16.4,107.5 16.4,107.6 16.5,107.6 16.5,107.5 16.4,107.5</polygon></area>';
    const r = await t.service.receive(sampleAlert({ infos: [{ area }] }), t.senderRow);
    expect(r.alert.outcome).toBe('aired');
    // The commune receiver, the province receiver inside the polygon; not the far one, not the other province's.
    expect(t.rec.started[0]!.input.targets.unitIds).toEqual([]);
    expect(t.rec.started[0]!.input.targets.deviceIds).toHaveLength(2);
    expect(t.rec.started[0]!.input.targets.deviceIds).toContain(t.inside);
    expect(t.rec.started[0]!.input.expiresAt).toBe(NOW + 3_600_000);
  });

  it('stores but does not air non-Actual alerts, Ack and alerts that reach nobody', async () => {
    const test = await t.service.receive(sampleAlert({ status: 'Exercise', identifier: 'E1' }), t.senderRow);
    expect(test.alert).toMatchObject({ outcome: 'not_actual', emergencyId: null });
    expect(test.alert.note).toMatch(/không phát/);
    const far = '<area><areaDesc>Biển</areaDesc><circle>10,110 1</circle></area>';
    const nobody = await t.service.receive(sampleAlert({ identifier: 'N1', infos: [{ area: far }] }), t.senderRow);
    expect(nobody.alert.outcome).toBe('no_receivers');
    const unknown = await t.service.receive(
      sampleAlert({ identifier: 'N2', infos: [{ area: sampleArea('99999') }] }),
      t.senderRow,
    );
    expect(unknown.alert).toMatchObject({ outcome: 'no_receivers', note: expect.stringContaining('99999') });
    expect(t.rec.started).toHaveLength(0);
  });

  it('refuses an expired alert, a foreign sender id and an area outside the sender unit; nothing airs', async () => {
    const expired = sampleAlert({ identifier: 'X1', infos: [{ expires: '2026-11-22T08:00:00+07:00' }] });
    expect(await codeOf(t.service.receive(expired, t.senderRow))).toBe('unprocessable:expired');
    expect(await codeOf(t.service.receive(sampleAlert({ identifier: 'X2', sender: 'other@x.vn' }), t.senderRow))).toBe(
      'forbidden',
    );
    const outside = sampleAlert({ identifier: 'X3', infos: [{ area: sampleArea('48') }] });
    expect(await codeOf(t.service.receive(outside, t.senderRow))).toBe('forbidden');
    expect(await codeOf(t.service.receive('<alert>', t.senderRow))).toBe('validation_failed');
    expect(t.rec.started).toHaveLength(0);
    const stored = t.repo.alerts(null, 10, 0);
    expect(stored.map((a) => a.outcome)).toEqual(['refused', 'refused', 'refused', 'refused']);
    // A refused alert may be sent again once fixed: it is not a duplicate.
    const fixed = await t.service.receive(sampleAlert({ identifier: 'X3' }), t.senderRow);
    expect(fixed).toMatchObject({ duplicate: false, alert: { outcome: 'aired' } });
  });

  it('refuses an audio resource whose digest does not match, without falling back to TTS', async () => {
    const resource = (digest: string) =>
      `<resource><resourceDesc>Bản tin</resourceDesc><mimeType>audio/mpeg</mimeType><derefUri>${audioBytes.toString('base64')}</derefUri><digest>${digest}</digest></resource>`;
    const bad = sampleAlert({ identifier: 'R1', infos: [{ extra: resource('0'.repeat(40)) }] });
    expect(await codeOf(t.service.receive(bad, t.senderRow))).toBe('unprocessable:digest_mismatch');
    expect(t.rec.started).toHaveLength(0);
    expect(t.ingested).toEqual([]);
    const sha1 = createHash('sha1').update(audioBytes).digest('hex');
    const good = await t.service.receive(
      sampleAlert({ identifier: 'R2', infos: [{ extra: resource(sha1) }] }),
      t.senderRow,
    );
    expect(good.alert).toMatchObject({ outcome: 'aired', audio: { origin: 'resource' } });
  });

  it('Update stops the referenced alert and airs the new one; Cancel stops it; others’ alerts are untouched', async () => {
    const first = await t.service.receive(sampleAlert({ identifier: 'B-1' }), t.senderRow);
    const ref = `${SENDER},B-1,2026-11-22T08:00:00+07:00`;
    const update = await t.service.receive(
      sampleAlert({ identifier: 'B-2', msgType: 'Update', references: ref, sent: '2026-11-22T08:20:00+07:00' }),
      t.senderRow,
    );
    expect(update.alert).toMatchObject({ outcome: 'aired', emergencyId: 'em-2' });
    expect(t.rec.stopped).toEqual([{ id: 'em-1', reason: 'CAP Update B-2' }]);
    expect(t.repo.alert(first.alert.id)!.stoppedBy).toBe(update.alert.id);

    const cancelRef = `${SENDER},B-2,2026-11-22T08:20:00+07:00 someone@else,B-2,2026-11-22T08:20:00+07:00`;
    const cancel = await t.service.receive(
      sampleAlert({ identifier: 'B-3', msgType: 'Cancel', references: cancelRef, sent: '2026-11-22T08:25:00+07:00' }),
      t.senderRow,
    );
    expect(cancel.alert).toMatchObject({ outcome: 'cancelled', emergencyId: null });
    expect(t.rec.stopped.map((s) => s.id)).toEqual(['em-1', 'em-2']);
    // Cancelling again finds nothing running.
    const again = await t.service.receive(
      sampleAlert({ identifier: 'B-4', msgType: 'Cancel', references: cancelRef, sent: '2026-11-22T08:26:00+07:00' }),
      t.senderRow,
    );
    expect(again.alert.outcome).toBe('stored');
    expect(t.rec.stopped).toHaveLength(2);
  });

  it('after a restart, an alert left processing is refused, so a retry is not taken for a duplicate', async () => {
    const xml = sampleAlert({ identifier: 'P1' });
    // What a crash mid-processing leaves behind: the claimed row, still processing.
    const key = { sender: SENDER, identifier: 'P1', sentAt: Date.UTC(2026, 10, 22, 1, 0) };
    const base = { senderId: t.senderRow.id, unitId: t.province.id, rawXml: xml, receivedAt: NOW };
    t.repo.claimAlert({ ...base, ...key, id: 'crashed', outcome: 'processing' });
    expect(await t.service.receive(xml, t.senderRow)).toMatchObject({ duplicate: true, alert: { id: 'crashed' } });
    expect(t.repo.failInterrupted(NOW)).toBe(1);
    const retry = await t.service.receive(xml, t.senderRow);
    expect(retry).toMatchObject({ duplicate: false, alert: { outcome: 'aired' } });
  });

  it('marks an alert refused when the emergency service refuses it', async () => {
    t.rec.starter.start = async () => {
      throw new AppError('unavailable', 'no emergency service');
    };
    expect(await codeOf(t.service.receive(sampleAlert({ identifier: 'U1' }), t.senderRow))).toBe('unavailable');
    expect(t.repo.alerts(null, 1, 0)[0]).toMatchObject({ outcome: 'refused', error: { code: 'unavailable' } });
  });
});
