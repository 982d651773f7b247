import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

const records = (text: string) => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(`line ${r.line}: ${r.message}`);
  return r.records;
};

describe('parseCsv (RFC 4180)', () => {
  it('reads plain fields with CRLF, LF and CR record ends', () => {
    expect(records('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(records('a,,c,\n')).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, numbering records by their first line', () => {
    const text = 'code,name\n1,"Xã Hòa Vang, Đà Nẵng"\n2,"Phường ""Hải Châu"""\n3,"two\r\nlines"\n4,after';
    expect(records(text)).toEqual([
      { line: 1, fields: ['code', 'name'] },
      { line: 2, fields: ['1', 'Xã Hòa Vang, Đà Nẵng'] },
      { line: 3, fields: ['2', 'Phường "Hải Châu"'] },
      { line: 4, fields: ['3', 'two\r\nlines'] },
      { line: 6, fields: ['4', 'after'] },
    ]);
  });

  it('skips blank lines but keeps counting them', () => {
    expect(records('a\n\n\nb\n\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('reads an empty quoted field as empty', () => {
    expect(records('"",x')).toEqual([{ line: 1, fields: ['', 'x'] }]);
  });

  it('reports an unclosed quote at the line where it opened', () => {
    expect(parseCsv('a,b\nc,"open\nmore\n')).toMatchObject({ ok: false, line: 2 });
  });

  it('reports a stray quote and text after a closing quote with their line', () => {
    expect(parseCsv('a,b\nc,d"e\n')).toMatchObject({ ok: false, line: 2, message: expect.stringMatching(/quote/) });
    expect(parseCsv('a\n"x"y\n')).toMatchObject({ ok: false, line: 2, message: expect.stringMatching(/after/) });
  });

  it('reads an empty text as no records', () => {
    expect(records('')).toEqual([]);
  });
});
