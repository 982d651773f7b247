import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestAudio } from './support/audio.js';
import { capFixture, capTime, createCapSender, postCap } from './support/cap.js';
import { waitReach, waitState } from './support/emergency.js';
import { startTestServer, type TestServer } from './support/server.js';

const FLEET = 6;

/**
 * Issue 7 item 5, end to end: a CAP alert from a registered agency goes on air through the real
 * emergency service (TTS → media pipeline → retained emergency → simulated receivers), and its Cancel
 * stops it on every receiver.
 */
describe('a CAP alert on air', () => {
  let server: TestServer;
  let dataDir: string;
  let fleet: Fleet;

  beforeAll(async () => {
    server = await startTestServer();
    dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-cap-e2e-'));
    const unit = server.running.services.units.byCode('19774');
    if (!unit) throw new Error('demo commune 19774 missing');
    const devices = Array.from({ length: FLEET }, (_, i) => {
      const { device, secret } = server.running.services.devices.register({ unitId: unit.id, name: `Loa ${i}` });
      return { deviceId: device.id, secret };
    });
    fleet = createFleet({
      devices,
      brokerUrl: server.running.brokerUrl,
      dataDir: path.join(dataDir, 'fleet'),
      heartbeatIntervalS: 5,
      logLevel: 'error',
    });
    await fleet.start();
    await fleet.untilConnected();
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await removeTestAudio();
  });

  it('airs an Actual alert on the receivers of its geocode, and its Cancel stops it', async () => {
    const sender = 'canhbao@kttv-e2e.gov.vn';
    const { token } = await createCapSender(server, { sender, unitCode: '46' });
    const sent = capTime(Date.now());
    const identifier = 'KTTV-E2E-1';
    const xml = await capFixture('storm-tts.xml', {
      IDENTIFIER: identifier,
      SENDER: sender,
      SENT: sent,
      EXPIRES: capTime(Date.now() + 30 * 60_000),
      UNIT_CODE: '19774',
    });
    const posted = await postCap(server, xml, token);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body.alert).toMatchObject({ outcome: 'aired' });
    const emergencyId = posted.body.alert?.emergencyId;
    if (!emergencyId) throw new Error('no emergency started');

    await waitReach(server, emergencyId, (r) => {
      expect(r.targeted).toBe(FLEET);
      expect(r.started).toBe(FLEET);
    });

    const cancel = await capFixture('cancel.xml', {
      IDENTIFIER: 'KTTV-E2E-2',
      SENDER: sender,
      SENT: capTime(Date.now() + 1000),
      REFERENCES: `${sender},${identifier},${sent}`,
    });
    const cancelled = await postCap(server, cancel, token);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201);
    await waitState(server, emergencyId, 'stopped');
  }, 240_000);
});
