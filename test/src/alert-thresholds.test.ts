import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentProcess } from './support/agent-process.js';
import { ALERT_WAIT, type Alert, type SensorRig, startSensorRig } from './support/sensor-agent.js';
import { registerDevice, type TestServer } from './support/server.js';

interface View {
  unitCode: string;
  own: Record<string, number | null>;
  effective: Record<string, number>;
  source: Record<string, string>;
}

/**
 * Issue 8: per-unit alert thresholds, inherited down the unit tree. A real agent reports 60 °C from a
 * temperature file; the global limit (75 °C) says nothing; the province lowers its limit to 55 °C and
 * the commune's receiver alerts; the commune sets its own 65 °C (nearest wins) and the alert resolves.
 */
describe('per-unit alert thresholds', () => {
  let rig: SensorRig;
  let server: TestServer;
  let dir = '';
  let agent: AgentProcess | undefined;
  beforeAll(async () => {
    rig = await startSensorRig({ NGUON_ALERT_TEMP_C: '75' }, 'nguon-thresholds-');
    ({ server, dir } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const hot = () => rig.alerts('temperature_high', 'active');
  const thresholds = (code: string, method = 'GET', body?: unknown, token?: string) =>
    server.api<{ thresholds: View; error?: { code: string } }>(
      method,
      `/api/v1/units/${code}/alert-thresholds`,
      body,
      token,
    );
  async function userToken(role: string, unitCode: string) {
    const username = `u-${role}-${unitCode}`;
    const created = await server.api('POST', '/api/v1/users', {
      username,
      displayName: username,
      password: 'long-enough-1',
      role,
      unitCode,
    });
    expect(created.status).toBe(201);
    const login = await server.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { username, password: 'long-enough-1' },
      null,
    );
    return login.body.token;
  }

  it('alerts on the nearest unit’s threshold, else the global one; role-checked, scoped and audited', async () => {
    const temp = path.join(dir, 'temp');
    await writeFile(temp, '60000\n');
    const device = await registerDevice(server, '19753', 'Loa nóng');
    agent = await rig.spawn({
      ...device,
      player: 'null',
      heartbeatIntervalS: 1,
      sensors: { cpuTempPath: temp, throttledCommand: null, modemCommand: null },
    });
    await vi.waitFor(async () => {
      const r = await server.api<{ status: { health: { cpuTempC: number } | null } | null }>(
        'GET',
        `/api/v1/devices/${device.deviceId}`,
      );
      expect(r.body.status?.health?.cpuTempC, agent?.output().slice(-2000)).toBe(60);
    }, ALERT_WAIT);
    const before = await thresholds('19753');
    expect(before.body.thresholds).toMatchObject({
      own: { tempC: null },
      effective: { tempC: 75, offlineMin: 10, diskPct: 90 },
      source: { tempC: 'global' },
    });
    // A few passes at 60 °C under the global 75 °C: nothing.
    await server.running.services.monitoring.evaluate();
    expect(await hot()).toHaveLength(0);

    // Bad input changes nothing.
    expect((await thresholds('46', 'PUT', { tempC: 'hot' })).status).toBe(400);
    expect((await thresholds('46', 'PUT', { tempC: 55, fanSpeed: 3 })).status).toBe(400);
    expect((await thresholds('46')).body.thresholds.own.tempC).toBeNull();

    // The province lowers its limit: its commune inherits it, and the receiver's alert opens.
    const set = await thresholds('46', 'PUT', { tempC: 55 });
    expect(set.status).toBe(200);
    expect((await thresholds('19753')).body.thresholds).toMatchObject({
      effective: { tempC: 55, offlineMin: 10 },
      source: { tempC: '46', offlineMin: 'global' },
    });
    const opened = await vi.waitFor(async () => {
      const [a] = await hot();
      expect(a).toBeDefined();
      return a!;
    }, ALERT_WAIT);
    expect(opened.devices).toEqual([device.deviceId]);
    expect(opened.title).toContain('trên 55 °C');

    // A commune operator may not set thresholds; a district supervisor may, but only within its subtree.
    const commune = await userToken('commune_operator', '19753');
    expect((await thresholds('19753', 'PUT', { tempC: 65 }, commune)).status).toBe(403);
    const outside = await server.api('POST', '/api/v1/units', {
      code: '99001',
      name: 'Huyện khác',
      level: 'district',
      parentCode: '46',
    });
    expect(outside.status).toBe(201);
    const supervisor = await userToken('district_supervisor', '99001');
    expect((await thresholds('19753', 'PUT', { tempC: 65 }, supervisor)).status).toBe(403);
    expect((await thresholds('99001', 'PUT', { tempC: 40 }, supervisor)).status).toBe(200);

    // The commune's own 65 °C is nearer than the province's 55 °C: the alert resolves by itself.
    expect((await thresholds('19753', 'PUT', { tempC: 65 })).body.thresholds.source.tempC).toBe('19753');
    await vi.waitFor(async () => {
      const r = await server.api<{ alert: Alert }>('GET', `/api/v1/alerts/${opened.id}`);
      expect(r.body.alert.state).toBe('resolved');
    }, ALERT_WAIT);

    // Back to inheriting: the province's 55 °C is in force again.
    expect((await thresholds('19753', 'DELETE')).body.thresholds.source.tempC).toBe('46');
    await vi.waitFor(async () => expect(await hot()).toHaveLength(1), ALERT_WAIT);

    const audit = await server.api<{ entries: Array<{ action: string; targetId: string; outcome: string }> }>(
      'GET',
      '/api/v1/audit?limit=100',
    );
    const entries = audit.body.entries.filter((e) => e.action.includes('alert-thresholds'));
    expect(entries.map((e) => `${e.targetId}:${e.outcome}`)).toEqual(
      expect.arrayContaining(['46:ok', '19753:ok', '99001:ok', '19753:denied']),
    );
    // The refused bad inputs are on record too.
    expect(entries.filter((e) => e.outcome === 'failed')).toHaveLength(2);
  }, 120_000);
});
