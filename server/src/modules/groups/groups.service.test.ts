import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDatabase, openDatabase } from '../../db/db.js';
import { provinceFixture } from '../../testing/province-fixture.js';

/** A province with two communes, a receiver in each, on an in-memory SQLite with the real migrations. */
function setup(database: OpenDatabase) {
  const { db, devices, groups, province, a, b } = provinceFixture(database);
  const inA = devices.register({ unitId: a.id, name: 'Loa A' }).device.id;
  const inB = devices.register({ unitId: b.id, name: 'Loa B' }).device.id;
  return { db, devices, groups, province, a, b, inA, inB };
}

describe('groups service', () => {
  let database: OpenDatabase;
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    database = openDatabase(':memory:');
    t = setup(database);
  });
  afterEach(() => database.close());

  it('creates a zone with members in its unit subtree and lists it with a count', () => {
    const g = t.groups.create({ unitId: t.province.id, name: 'Chợ', deviceIds: [t.inA, t.inB, t.inA] });
    expect(g).toMatchObject({ unitCode: '46', name: 'Chợ', deviceCount: 2 });
    expect(t.groups.devicesOf(g.id)).toEqual([t.inA, t.inB].sort());
    expect(t.groups.list({ all: false, unitId: t.a.id })).toEqual([]);
    expect(t.groups.list({ all: false, unitId: t.province.id }).map((x) => x.id)).toEqual([g.id]);
  });

  it('refuses a member outside the unit, an unknown member and a duplicate name, writing nothing', () => {
    expect(() => t.groups.create({ unitId: t.a.id, name: 'X', deviceIds: [t.inA, t.inB] })).toThrow(
      expect.objectContaining({ code: 'unprocessable', message: expect.stringContaining(t.inB) }),
    );
    expect(() => t.groups.create({ unitId: t.a.id, name: 'X', deviceIds: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'not_found', message: 'device nope not found' }),
    );
    expect(t.groups.list()).toEqual([]);
    const g = t.groups.create({ unitId: t.a.id, name: 'X' });
    expect(() => t.groups.create({ unitId: t.a.id, name: 'X' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    // A failed patch leaves the earlier parts of the same patch undone too.
    expect(() => t.groups.update(g.id, { name: 'Y', add: [t.inB] })).toThrow(
      expect.objectContaining({ code: 'unprocessable' }),
    );
    expect(t.groups.get(g.id).name).toBe('X');
  });

  it('renames, adds and removes in one patch; delete removes the memberships', () => {
    const g = t.groups.create({ unitId: t.province.id, name: 'Trường', deviceIds: [t.inA] });
    const after = t.groups.update(g.id, { name: 'Trường học', add: [t.inB], remove: [t.inA, 'not-a-member'] });
    expect(after).toMatchObject({ name: 'Trường học', deviceCount: 1 });
    expect(t.groups.members(g.id).map((m) => m.id)).toEqual([t.inB]);
    t.groups.delete(g.id);
    expect(() => t.groups.get(g.id)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM device_group_members').get()).toEqual({ n: 0 });
  });

  it('leaves revoked members out of targeting and refuses to add them', () => {
    const g = t.groups.create({ unitId: t.province.id, name: 'Z', deviceIds: [t.inA, t.inB] });
    t.devices.revoke(t.inB, 1);
    expect(t.groups.devicesOf(g.id)).toEqual([t.inA]);
    const other = t.groups.create({ unitId: t.province.id, name: 'Z2' });
    expect(() => t.groups.update(other.id, { add: [t.inB] })).toThrow(
      expect.objectContaining({ code: 'unprocessable' }),
    );
  });

  it('drops a moved receiver from zones that no longer contain it, and only those', () => {
    const commune = t.groups.create({ unitId: t.a.id, name: 'A', deviceIds: [t.inA] });
    const province = t.groups.create({ unitId: t.province.id, name: 'P', deviceIds: [t.inA] });
    expect(t.groups.dropOutside(t.inA, t.b.id)).toEqual([commune.id]);
    expect(t.groups.devicesOf(commune.id)).toEqual([]);
    expect(t.groups.devicesOf(province.id)).toEqual([t.inA]);
  });
});
