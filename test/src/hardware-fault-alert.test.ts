import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { ALERT_WAIT, type Alert, type SensorRig, startSensorRig } from './support/sensor-agent.js';
import { registerDevice, type TestServer } from './support/server.js';

/**
 * Issue 8: speaker line and amplifier faults end to end. The real agent process reads its speaker line
 * from a file and its amplifier from a shell command (reading another file); the test flips those files
 * as the hardware would, and the real server opens and resolves the "speaker or amplifier fault" alert.
 */
describe('speaker and amplifier fault alerts from a real agent', () => {
  let rig: SensorRig;
  let server: TestServer;
  let dir = '';
  let agent: AgentProcess | undefined;
  beforeAll(async () => {
    rig = await startSensorRig({}, 'nguon-faults-');
    ({ server, dir } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const health = async (id: string) =>
    (await server.api<{ status: { health: Record<string, unknown> | null } | null }>('GET', `/api/v1/devices/${id}`))
      .body.status?.health ?? null;
  const faultAlerts = (state: string) => rig.alerts('hardware_fault', state);

  it('opens the alert when a line reads fault, resolves it when it clears, survives a missing sensor', async () => {
    const speaker = path.join(dir, 'speaker-line');
    const amp = path.join(dir, 'amplifier');
    await writeFile(speaker, 'ok\n');
    await writeFile(amp, '0\n');
    const device = await registerDevice(server, '19753', 'Loa có cảm biến');
    agent = await rig.spawn({
      ...device,
      player: 'null',
      heartbeatIntervalS: 1,
      sensors: {
        throttledCommand: null,
        modemCommand: null,
        speakerFault: { path: speaker },
        amplifierFault: { command: `cat '${amp}'` },
      },
    });
    const out = () => agent?.output().slice(-3000) ?? '';

    // Both lines read: reported as measured and fine; no alert.
    await vi.waitFor(async () => {
      expect(await health(device.deviceId), out()).toMatchObject({ speakerLineOk: true, amplifierFault: false });
    }, ALERT_WAIT);
    expect(await faultAlerts('active')).toHaveLength(0);

    // The speaker line opens: one alert, naming the receiver and the fault.
    await writeFile(speaker, 'fault\n');
    const opened = await vi.waitFor(async () => {
      const [a] = await faultAlerts('active');
      expect(a).toBeDefined();
      return a!;
    }, ALERT_WAIT);
    expect(opened.devices).toEqual([device.deviceId]);
    expect(opened.title).toContain('báo hỏng loa hoặc bộ khuếch đại');
    expect(opened.details.faults?.[device.deviceId]).toEqual({ speakerLineOk: false, amplifierFault: false });

    // Repaired: the alert resolves by itself.
    await writeFile(speaker, 'ok\n');
    await vi.waitFor(async () => {
      const r = await server.api<{ alert: Alert }>('GET', `/api/v1/alerts/${opened.id}`);
      expect(r.body.alert.state).toBe('resolved');
    }, ALERT_WAIT);

    // The amplifier's protection trips (through the command hook): a new alert.
    await writeFile(amp, '1\n');
    const ampAlert = await vi.waitFor(async () => {
      const [a] = await faultAlerts('active');
      expect(a?.details.faults?.[device.deviceId]).toEqual({ speakerLineOk: true, amplifierFault: true });
      return a!;
    }, ALERT_WAIT);
    expect(ampAlert.id).not.toBe(opened.id);

    // The sensor disappears (file gone, command fails): no reading, not a crash; the fault is no longer claimed.
    await unlink(amp);
    await vi.waitFor(async () => {
      expect(await health(device.deviceId)).toMatchObject({ amplifierFault: null, speakerLineOk: true });
      expect(await faultAlerts('active')).toHaveLength(0);
    }, ALERT_WAIT);
    expect(agent.child.exitCode).toBeNull();
  }, 120_000);
});
