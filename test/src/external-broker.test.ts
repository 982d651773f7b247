import net from 'node:net';
import { topics } from '@nguon/protocols';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { connectRaw } from './support/mqtt.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

const MOSQUITTO = { host: '127.0.0.1', port: 1883 };

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The server is an ordinary MQTT client: pointed at an external broker by URL it works unchanged.
 * This runs against the Mosquitto on this machine; its absence is a failure, never a skip.
 */
describe('server and agent through an external Mosquitto broker', () => {
  let server: TestServer;
  let device: RegisteredDevice;
  let agent: AgentProcess;
  const url = `mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`;

  beforeAll(async () => {
    if (!(await reachable(MOSQUITTO.host, MOSQUITTO.port))) {
      throw new Error(
        `Mosquitto is not listening on ${url}. Install and start it: apt-get install -y mosquitto && mosquitto -d -c /etc/mosquitto/mosquitto.conf`,
      );
    }
    server = await startTestServer({ NGUON_MQTT_EMBEDDED: 'false', NGUON_MQTT_URL: url });
    device = await registerDevice(server, '20014', 'Loa qua Mosquitto');
    agent = await spawnAgent({
      deviceId: device.deviceId,
      secret: device.secret,
      brokerUrl: device.brokerUrl,
      player: 'null',
      heartbeatIntervalS: 1,
    });
  });

  afterAll(async () => {
    await agent?.stop();
    // Leave no retained messages of this test's device behind on the shared broker.
    if (device) {
      const c = await connectRaw(url);
      for (const t of [topics.devicePresence(device.deviceId), topics.deviceDesired(device.deviceId)]) {
        await c.publishAsync(t, '', { qos: 1, retain: true });
      }
      await c.endAsync();
    }
    await server?.close();
  });

  it('uses the broker URL it was given and shows no embedded broker', async () => {
    expect(server.running.broker).toBeNull();
    expect(server.running.brokerUrl).toBe(url);
    expect(device.brokerUrl).toBe(url);
  });

  it('sees the receiver come online, commands it and gets its reply and new state', async () => {
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { online: boolean } | null }>(
          'GET',
          `/api/v1/devices/${device.deviceId}`,
        );
        expect(res.body.status?.online, agent.output()).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    const cmd = await server.api<{ commandId: string }>('POST', `/api/v1/devices/${device.deviceId}/volume`, {
      volume: 55,
    });
    expect(cmd.status).toBe(202);
    await vi.waitFor(
      async () => {
        const res = await server.api<{ command: { replies: Array<{ ok: boolean }> } }>(
          'GET',
          `/api/v1/commands/${cmd.body.commandId}`,
        );
        expect(res.body.command.replies).toEqual([expect.objectContaining({ ok: true })]);
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { health: { volume: number } } }>(
          'GET',
          `/api/v1/devices/${device.deviceId}`,
        );
        expect(res.body.status.health.volume).toBe(55);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
