import { describe, expect, it } from 'vitest';
import { parseUnitCsv, rowsFromJson } from './unit-import-rows.js';

describe('parseUnitCsv', () => {
  it('reads rows with a BOM, quoted Vietnamese names, and an empty parent_code as a root', () => {
    const csv = '\uFEFFcode,name,level,parent_code\r\nVN,Việt Nam,national,\r\n48,"Thành phố Đà Nẵng",province,VN\r\n';
    expect(parseUnitCsv(csv)).toEqual({
      rows: [
        { line: 2, code: 'VN', name: 'Việt Nam', level: 'national', parentCode: null },
        { line: 3, code: '48', name: 'Thành phố Đà Nẵng', level: 'province', parentCode: 'VN' },
      ],
      errors: [],
      rejectedCodes: [],
    });
  });

  it('stores names NFC and trimmed, so NFD input from another keyboard compares equal', () => {
    const nfd = 'Xã Hòa Vang'.normalize('NFD');
    const r = parseUnitCsv(`code,name,level,parent_code\n20333,  ${nfd} ,commune,48\n`);
    expect(r.rows[0]?.name).toBe('Xã Hòa Vang'.normalize('NFC'));
  });

  it('takes columns in any order and parent_code may be left out', () => {
    const r = parseUnitCsv('Level,Name,Code\nnational,Việt Nam,VN\n');
    expect(r.rows).toEqual([{ line: 2, code: 'VN', name: 'Việt Nam', level: 'national', parentCode: null }]);
  });

  it('names each bad line: wrong field count, bad level, empty name, bad code', () => {
    const csv = [
      'code,name,level,parent_code',
      'A1,Ok,commune,P', // 2: fine
      'A2,Only three,commune', // 3
      'A3,Bad level,xa,P', // 4
      'A4,,commune,P', // 5
      'a b,Bad code,commune,P', // 6
    ].join('\n');
    const r = parseUnitCsv(csv);
    expect(r.rows.map((x) => x.line)).toEqual([2]);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(r.errors[1]?.message).toMatch(/level must be one of/);
    expect(r.errors[2]?.message).toMatch(/name/);
    expect(r.rejectedCodes).toEqual(['A3', 'A4']);
  });

  it('refuses a bad header or an empty file on line 1', () => {
    expect(parseUnitCsv('code,name,kind\n').errors).toEqual([{ line: 1, message: expect.stringMatching(/kind/) }]);
    expect(parseUnitCsv('code,name\n').errors).toEqual([{ line: 1, message: expect.stringMatching(/level/) }]);
    expect(parseUnitCsv('').errors[0]?.line).toBe(1);
  });

  it('passes a CSV syntax error through with its line', () => {
    expect(parseUnitCsv('code,name,level\nX,"open,commune\n').errors).toEqual([
      { line: 2, message: expect.stringMatching(/never closed/) },
    ]);
  });
});

describe('rowsFromJson', () => {
  it('validates each item and names bad ones by index', () => {
    const r = rowsFromJson([
      { code: 'VN', name: 'Việt Nam', level: 'national' },
      { code: '48', name: 'Đà Nẵng', level: 'province', parentCode: 'VN', extra: 1 },
      'not an object',
    ]);
    expect(r.rows).toHaveLength(1);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(r.rejectedCodes).toEqual(['48']);
  });
});
