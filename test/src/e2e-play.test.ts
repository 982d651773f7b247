import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { makeTone, removeTestAudio } from './support/audio.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';
import { uploadFile } from './support/upload.js';

interface Log {
  event: string;
  playId: string;
  playedMs: number | null;
  startedAt: number | null;
  endedAt: number | null;
}

/**
 * The foundation's promise, with only real parts: server + embedded broker + SQLite file, the real agent
 * in its own process with the `null` player, real audio made and transcoded by ffmpeg.
 */
describe('one bulletin from upload to a playing receiver', () => {
  let server: TestServer;
  let device: RegisteredDevice;
  let agent: AgentProcess;

  beforeAll(async () => {
    server = await startTestServer();
    device = await registerDevice(server, '19753', 'Cụm loa thôn 1');
    agent = await spawnAgent({
      deviceId: device.deviceId,
      secret: device.secret,
      brokerUrl: device.brokerUrl,
      player: 'null',
      heartbeatIntervalS: 2,
    });
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
    await removeTestAudio();
  });

  it('plays an uploaded file now and logs started and finished with the right duration', async () => {
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { online: boolean } | null }>(
          'GET',
          `/api/v1/devices/${device.deviceId}`,
        );
        expect(res.body.status?.online, `agent output:\n${agent.output()}`).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );

    const source = await makeTone({ seconds: 4, format: 'wav' });
    const up = await uploadFile(server, source, 'ban-tin.wav');
    expect(up.status).toBe(201);
    const media = up.body as { sha256: string; durationMs: number };
    expect(media.durationMs).toBeGreaterThan(3800);

    const play = await server.api<{ commandId: string; playId: string }>(
      'POST',
      `/api/v1/devices/${device.deviceId}/play`,
      {
        sha256: media.sha256,
      },
    );
    expect(play.status).toBe(202);

    const logs = await vi.waitFor(
      async () => {
        const res = await server.api<{ logs: Log[] }>('GET', `/api/v1/devices/${device.deviceId}/logs`);
        const mine = res.body.logs.filter((l) => l.playId === play.body.playId);
        expect(mine.map((l) => l.event).sort(), `agent output:\n${agent.output()}`).toEqual(['finished', 'started']);
        return mine;
      },
      { timeout: 30_000, interval: 100 },
    );
    const finished = logs.find((l) => l.event === 'finished')!;
    // The null player decodes at real-time pace: the played time matches the file's duration.
    expect(Math.abs((finished.playedMs ?? 0) - media.durationMs)).toBeLessThan(700);
    expect((finished.endedAt ?? 0) - (finished.startedAt ?? 0)).toBeGreaterThan(media.durationMs - 700);

    const cmd = await server.api<{ command: { replies: Array<{ ok: boolean; deviceId: string }> } }>(
      'GET',
      `/api/v1/commands/${play.body.commandId}`,
    );
    expect(cmd.body.command.replies).toEqual([expect.objectContaining({ ok: true, deviceId: device.deviceId })]);
  });

  it('shows the receiver offline once its agent stops', async () => {
    expect(await agent.stop()).toBe(0);
    await vi.waitFor(
      async () => {
        const res = await server.api<{ status: { online: boolean } | null }>(
          'GET',
          `/api/v1/devices/${device.deviceId}`,
        );
        expect(res.body.status?.online).toBe(false);
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});
