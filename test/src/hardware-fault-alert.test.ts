import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { registerDevice, startTestServer, type TestServer } from './support/server.js';

interface Alert {
  id: number;
  kind: string;
  state: string;
  title: string;
  devices: string[];
  details: { faults?: Record<string, { speakerLineOk: boolean | null; amplifierFault: boolean | null }> };
}

const WAIT = { timeout: 30_000, interval: 200 };

/**
 * Issue 8: speaker line and amplifier faults end to end. The real agent process reads its speaker line
 * from a file and its amplifier from a shell command (reading another file); the test flips those files
 * as the hardware would, and the real server opens and resolves the "speaker or amplifier fault" alert.
 */
describe('speaker and amplifier fault alerts from a real agent', () => {
  let server: TestServer;
  let agent: AgentProcess | undefined;
  let dir = '';

  beforeAll(async () => {
    server = await startTestServer({ NGUON_ALERT_EVAL_S: '0.3' });
    dir = await mkdtemp(path.join(tmpdir(), 'nguon-faults-'));
  });
  afterAll(async () => {
    await agent?.kill('SIGKILL');
    await server?.close();
    if (agent) await rm(agent.dir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  const health = async (id: string) =>
    (await server.api<{ status: { health: Record<string, unknown> | null } | null }>('GET', `/api/v1/devices/${id}`))
      .body.status?.health ?? null;
  const faultAlerts = async (state: string) =>
    (await server.api<{ alerts: Alert[] }>('GET', `/api/v1/alerts?kind=hardware_fault&state=${state}`)).body.alerts;

  it('opens the alert when a line reads fault, resolves it when it clears, survives a missing sensor', async () => {
    const speaker = path.join(dir, 'speaker-line');
    const amp = path.join(dir, 'amplifier');
    await writeFile(speaker, 'ok\n');
    await writeFile(amp, '0\n');
    const device = await registerDevice(server, '19753', 'Loa có cảm biến');
    agent = await spawnAgent({
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
    }, WAIT);
    expect(await faultAlerts('active')).toHaveLength(0);

    // The speaker line opens: one alert, naming the receiver and the fault.
    await writeFile(speaker, 'fault\n');
    const opened = await vi.waitFor(async () => {
      const [a] = await faultAlerts('active');
      expect(a).toBeDefined();
      return a!;
    }, WAIT);
    expect(opened.devices).toEqual([device.deviceId]);
    expect(opened.title).toContain('báo hỏng loa hoặc bộ khuếch đại');
    expect(opened.details.faults?.[device.deviceId]).toEqual({ speakerLineOk: false, amplifierFault: false });

    // Repaired: the alert resolves by itself.
    await writeFile(speaker, 'ok\n');
    await vi.waitFor(async () => {
      const r = await server.api<{ alert: Alert }>('GET', `/api/v1/alerts/${opened.id}`);
      expect(r.body.alert.state).toBe('resolved');
    }, WAIT);

    // The amplifier's protection trips (through the command hook): a new alert.
    await writeFile(amp, '1\n');
    const ampAlert = await vi.waitFor(async () => {
      const [a] = await faultAlerts('active');
      expect(a?.details.faults?.[device.deviceId]).toEqual({ speakerLineOk: true, amplifierFault: true });
      return a!;
    }, WAIT);
    expect(ampAlert.id).not.toBe(opened.id);

    // The sensor disappears (file gone, command fails): no reading, not a crash; the fault is no longer claimed.
    await unlink(amp);
    await vi.waitFor(async () => {
      expect(await health(device.deviceId)).toMatchObject({ amplifierFault: null, speakerLineOk: true });
      expect(await faultAlerts('active')).toHaveLength(0);
    }, WAIT);
    expect(agent.child.exitCode).toBeNull();
  }, 120_000);
});
