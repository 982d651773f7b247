import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../db/db.js';
import { provinceFixture } from '../../testing/province-fixture.js';
import { createDeviceLifecycle } from './device-lifecycle.service.js';

function setup(database: OpenDatabase) {
  const { db, devices, groups, province, a, b } = provinceFixture(database);
  const published: string[] = [];
  const dropped: string[] = [];
  const lifecycle = createDeviceLifecycle({
    db,
    devices,
    groups,
    desired: { publish: async (id) => void published.push(id) },
    disconnect: (id) => dropped.push(id) > 0,
    clock: () => 1234,
    log: pino({ level: 'silent' }),
  });
  return { devices, groups, lifecycle, province, a, b, published, dropped };
}

describe('device lifecycle', () => {
  let database: OpenDatabase;
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    database = openDatabase(':memory:');
    t = setup(database);
  });
  afterEach(() => database.close());

  it('edits without touching the session when the unit stays', async () => {
    const { device } = t.devices.register({ unitId: t.a.id, name: 'Loa', hardwareId: 'hw-1', tags: ['chợ'] });
    const r = await t.lifecycle.edit(device.id, { name: 'Loa chợ', lat: null, tags: ['chợ', 'đình'] });
    expect(r).toMatchObject({ moved: false, device: { name: 'Loa chợ', tags: ['chợ', 'đình'], desiredVersion: 0 } });
    expect(t.published).toEqual([]);
    expect(t.dropped).toEqual([]);
  });

  it('moves: bumps the desired version, leaves outside zones, publishes, then drops the session', async () => {
    const { device } = t.devices.register({ unitId: t.a.id, name: 'Loa' });
    const zone = t.groups.create({ unitId: t.a.id, name: 'Chợ', deviceIds: [device.id] });
    const r = await t.lifecycle.edit(device.id, { unitId: t.b.id });
    expect(r).toMatchObject({ moved: true, leftGroups: [zone.id], device: { unitId: t.b.id, desiredVersion: 1 } });
    expect(t.devices.areaPath(device.id)).toEqual(['VN', '46', '19774']);
    expect(t.published).toEqual([device.id]);
    expect(t.dropped).toEqual([device.id]);
  });

  it('refuses a hardware id held by another receiver, changing nothing', async () => {
    t.devices.register({ unitId: t.a.id, name: 'Một', hardwareId: 'hw-1' });
    const { device } = t.devices.register({ unitId: t.a.id, name: 'Hai', hardwareId: 'hw-2' });
    await expect(t.lifecycle.edit(device.id, { hardwareId: 'hw-1', name: 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('hw-1'),
    });
    expect(t.devices.get(device.id)).toMatchObject({ name: 'Hai', hardwareId: 'hw-2' });
  });

  it('rotates: the old secret fails, the new one works, the session is dropped', () => {
    const { device, secret } = t.devices.register({ unitId: t.a.id, name: 'Loa' });
    const next = t.lifecycle.rotate(device.id);
    expect(t.devices.verify(device.id, secret)).toBeNull();
    expect(t.devices.verify(device.id, next)?.device.id).toBe(device.id);
    expect(t.dropped).toEqual([device.id]);
  });

  it('revokes once: verify refuses it, a second revoke and a rotate conflict', () => {
    const { device, secret } = t.devices.register({ unitId: t.a.id, name: 'Loa' });
    expect(t.lifecycle.revoke(device.id).revokedAt).toBe(1234);
    expect(t.devices.verify(device.id, secret)).toBeNull();
    expect(t.dropped).toEqual([device.id]);
    expect(() => t.lifecycle.revoke(device.id)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => t.lifecycle.rotate(device.id)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(t.devices.list().map((d) => d.id)).toEqual([device.id]);
  });
});
