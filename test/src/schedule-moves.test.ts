import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AgentProcess, spawnAgent } from './support/agent-process.js';
import { removeTestAudio } from './support/audio.js';
import { approvedBulletin, reportItem, scheduleOnce } from './support/schedule.js';
import { type RegisteredDevice, registerDevice, startTestServer, type TestServer } from './support/server.js';

const WAIT = { timeout: 60_000, interval: 100 };
/** Far beyond the test: the 5-minute periodic refresh can never be what delivers a programme here. */
const AHEAD_MS = 30 * 60_000;

interface PlaylistLine {
  version: number;
  items: number;
  next?: string;
  applied: boolean;
}

/**
 * Issue 6: a receiver's programme follows it at once when it joins or leaves a group, moves to another
 * unit or is revoked — not at the next periodic refresh. Real server, broker and SQLite, real agent.
 */
describe('programmes follow receiver changes at once', () => {
  let server: TestServer;
  let device: RegisteredDevice;
  let agent: AgentProcess;
  let groupId: number;
  let groupKey: string;
  let unitKey: string;

  /** Every playlist the agent applied, in order, from its own log. */
  const applied = () =>
    agent
      .lines()
      .filter((l) => l.msg === 'playlist received' && l.applied === true)
      .map((l) => l as unknown as PlaylistLine);

  /** Waits for the agent to apply a playlist newer than `after` whose first item is `next`. */
  const nextPlaylist = (after: number, next: string | undefined) =>
    vi.waitFor(() => {
      const p = applied().find((l) => l.version > after && l.next === next);
      expect(p, agent.output().slice(-3000)).toBeDefined();
      return p!;
    }, WAIT);

  const latestVersion = () => applied().at(-1)?.version ?? -1;

  beforeAll(async () => {
    server = await startTestServer();
    // A province bulletin, scheduled on a group of Thuận Hóa and on the whole of Phú Xuân.
    const bulletin = await approvedBulletin(server, 2, '46');
    const group = await server.api<{ group: { id: number } }>('POST', '/api/v1/groups', {
      unitCode: '19753',
      name: 'Cụm loa chợ',
    });
    groupId = group.body.group.id;
    const at = Date.now() + AHEAD_MS;
    const res = await server.api<{ schedule: { id: number } }>('POST', '/api/v1/schedules', {
      bulletinId: bulletin.bulletinId,
      recurrence: { kind: 'once', at: new Date(at).toISOString() },
      targets: [{ group: groupId }],
      unitCode: '46',
      acceptConflicts: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    groupKey = `s${res.body.schedule.id}r1t${at}`;
    unitKey = (await scheduleOnce(server, bulletin.bulletinId, at + 60_000, [{ unit: '19774' }], '46')).key;

    device = await registerDevice(server, '19753', 'Loa di chuyển');
    agent = await spawnAgent({ ...device, player: 'null', heartbeatIntervalS: 2 });
    // Its first programme, sent when it came online: nothing reaches it yet.
    await nextPlaylist(-1, undefined);
    await vi.waitFor(() => expect(agent.lines().some((l) => l.msg === 'connected')).toBe(true), WAIT);
  }, 120_000);

  afterAll(async () => {
    await agent?.kill('SIGKILL');
    await server?.close();
    if (agent) await rm(agent.dir, { recursive: true, force: true });
    await removeTestAudio();
  });

  it('joining a group brings that group’s schedule to the receiver, without a reconnect', async () => {
    const before = latestVersion();
    const connects = agent.lines().filter((l) => l.msg === 'connected').length;
    expect(connects).toBe(1);
    const res = await server.api('PATCH', `/api/v1/groups/${groupId}`, { add: [device.deviceId] });
    expect(res.status).toBe(200);
    await nextPlaylist(before, groupKey);
    expect(agent.lines().filter((l) => l.msg === 'connected').length).toBe(connects);
    expect((await reportItem(server, device.deviceId, groupKey))?.status).toBe('planned');
  }, 90_000);

  it('moving to another unit swaps the group’s item for the new unit’s', async () => {
    const before = latestVersion();
    const res = await server.api('PATCH', `/api/v1/devices/${device.deviceId}`, { unitCode: '19774' });
    expect(res.status).toBe(200);
    const p = await nextPlaylist(before, unitKey);
    expect(p.items).toBe(1);
    await vi.waitFor(async () => {
      expect((await reportItem(server, device.deviceId, groupKey))?.status).toBe('cancelled');
    }, WAIT);
    expect((await reportItem(server, device.deviceId, unitKey))?.status).toBe('planned');
  }, 90_000);

  it('revoking the receiver cancels what it had planned', async () => {
    const res = await server.api('POST', `/api/v1/devices/${device.deviceId}/revoke`);
    expect(res.status).toBe(200);
    await vi.waitFor(async () => {
      expect((await reportItem(server, device.deviceId, unitKey))?.status).toBe('cancelled');
    }, WAIT);
  }, 90_000);
});
