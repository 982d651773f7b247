import { describe, expect, it } from 'vitest';
import { type ExistingUnit, planUnitImport } from './unit-import-plan.js';
import type { ImportRow, ParsedRows, UnitLevel } from './unit-import-rows.js';

const existing: ExistingUnit[] = [
  { id: 1, code: 'VN', name: 'Việt Nam', level: 'national', parentId: null },
  { id: 2, code: '48', name: 'Đà Nẵng', level: 'province', parentId: 1 },
  { id: 3, code: '490', name: 'Quận Hải Châu', level: 'district', parentId: 2 },
  { id: 4, code: '20194', name: 'Phường Hải Châu', level: 'commune', parentId: 3 },
  { id: 5, code: '49', name: 'Quảng Nam', level: 'province', parentId: 1 },
];

let nextLine = 2;
const row = (
  code: string,
  parentCode: string | null,
  level: UnitLevel = 'commune',
  name = `Xã ${code}`,
): ImportRow => ({
  line: nextLine++,
  code,
  name,
  level,
  parentCode,
});
const input = (...rows: ImportRow[]): ParsedRows => ({ rows, errors: [], rejectedCodes: [] });
const same = (u: ExistingUnit): ImportRow => {
  const parent = existing.find((p) => p.id === u.parentId)?.code ?? null;
  return row(u.code, parent, u.level as UnitLevel, u.name);
};

describe('planUnitImport', () => {
  it('orders parents before children whatever the file order', () => {
    const r = planUnitImport(
      existing,
      input(row('c2', 'd1'), row('d1', 'p1', 'district'), row('p1', 'VN', 'province')),
      null,
    );
    expect(r.ok && r.plan.steps.map((s) => `${s.action}:${s.row.code}`)).toEqual([
      'create:p1',
      'create:d1',
      'create:c2',
    ]);
  });

  it('is idempotent: the database tree re-imported changes nothing', () => {
    const r = planUnitImport(existing, input(...existing.map(same)), null);
    expect(r).toEqual({ ok: true, plan: { steps: [], unchanged: existing.length, moved: [] } });
  });

  it('renames and moves existing codes, and lists the moved ones', () => {
    const r = planUnitImport(
      existing,
      input(row('20194', '48', 'commune', 'Phường Hải Châu'), row('490', '48', 'district', 'Hải Châu')),
      null,
    );
    expect(r.ok && r.plan.steps.map((s) => [s.row.code, s.changes])).toEqual([
      ['20194', ['parent']],
      ['490', ['name']],
    ]);
    expect(r.ok && r.plan.moved).toEqual(['20194']);
  });

  it('reports unknown parents and duplicate codes by line, and nothing else', () => {
    nextLine = 2;
    const r = planUnitImport(existing, input(row('a', '48'), row('b', 'nowhere'), row('a', '48')), null);
    expect(r).toEqual({
      ok: false,
      reason: 'unprocessable',
      errors: [
        { line: 3, code: 'b', message: 'unknown parent code nowhere' },
        { line: 4, code: 'a', message: 'duplicate code a (first on line 2)' },
      ],
    });
  });

  it('does not call a parent unknown when its own row was refused for another field', () => {
    const r = planUnitImport(
      existing,
      { rows: [row('kid', 'bad')], errors: [{ line: 9, message: 'x' }], rejectedCodes: ['bad'] },
      null,
    );
    expect(!r.ok && r.errors.map((e) => e.line)).toEqual([9]);
  });

  it('finds a cycle within the file and reports each of its lines', () => {
    nextLine = 2;
    const r = planUnitImport(existing, input(row('x', 'VN'), row('a', 'b'), row('b', 'a'), row('self', 'self')), null);
    expect(!r.ok && r.errors.map((e) => [e.line, e.message])).toEqual([
      [3, 'cycle: a → b → a (a unit would lie below itself)'],
      [4, 'cycle: a → b → a (a unit would lie below itself)'],
      [5, 'cycle: self → self (a unit would lie below itself)'],
    ]);
  });

  it('finds a cycle made by moving a unit under its own descendant', () => {
    nextLine = 2;
    const r = planUnitImport(existing, input(row('48', '20194', 'province', 'Đà Nẵng')), null);
    expect(!r.ok && r.errors).toEqual([
      { line: 2, code: '48', message: expect.stringContaining('48 → 20194 → 490 → 48') },
    ]);
  });

  describe('scope of a province operator (48)', () => {
    it('allows creating and moving inside the province', () => {
      const r = planUnitImport(
        existing,
        input(row('new', '490'), row('20194', '48', 'commune', 'Phường Hải Châu')),
        '48',
      );
      expect(r.ok).toBe(true);
    });

    it('accepts the own unit when the file leaves it unchanged', () => {
      const r = planUnitImport(existing, input(same(existing[1] as ExistingUnit), row('new2', '48')), '48');
      expect(r.ok && r.plan.steps.map((s) => s.row.code)).toEqual(['new2']);
    });

    it.each([
      ['a unit created outside', () => row('out', '49')],
      ['a new root', () => row('root', null, 'national')],
      ['pulling another province in', () => row('49', '48', 'province', 'Quảng Nam')],
      ['renaming the caller’s own unit', () => row('48', 'VN', 'province', 'Đà Nẵng mới')],
      ['moving a commune out', () => row('20194', '49', 'commune', 'Phường Hải Châu')],
    ])('refuses %s, naming the line', (_what, make) => {
      nextLine = 7;
      const r = planUnitImport(existing, input(row('fine', '48'), make()), '48');
      expect(r).toEqual({ ok: false, reason: 'forbidden', errors: [expect.objectContaining({ line: 8 })] });
    });
  });
});
