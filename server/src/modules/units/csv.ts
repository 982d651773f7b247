/**
 * A small RFC 4180 reader: comma-separated fields, CRLF/LF/CR record ends, double-quoted fields that may
 * hold commas, quotes ("") and line breaks. No CSV library is installed, and unit lists are small enough
 * (a few MB at most) to read whole. Each record keeps the physical line it starts on, so an import can
 * name the line an operator sees in a text editor.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

interface ReaderState {
  records: CsvRecord[];
  fields: string[];
  field: string;
  /** The current field started with a quote and that quote is not yet closed. */
  inQuotes: boolean;
  /** The current field was quoted and its closing quote has been read. */
  closed: boolean;
  line: number;
  recordLine: number;
  quoteLine: number;
}

function endField(s: ReaderState): void {
  s.fields.push(s.field);
  s.field = '';
  s.closed = false;
}

function endRecord(s: ReaderState): void {
  endField(s);
  // A blank line is not a record (spreadsheets often leave one at the end).
  const blank = s.fields.length === 1 && s.fields[0] === '';
  if (!blank) s.records.push({ line: s.recordLine, fields: s.fields });
  s.fields = [];
}

/** Reads one character inside a quoted field; returns how many characters were consumed. */
function readQuoted(s: ReaderState, text: string, i: number): number {
  const ch = text[i];
  if (ch === '"') {
    if (text[i + 1] === '"') {
      s.field += '"';
      return 2;
    }
    s.inQuotes = false;
    s.closed = true;
    return 1;
  }
  if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) s.line++;
  s.field += ch;
  return 1;
}

export function parseCsv(text: string): CsvResult {
  const s: ReaderState = {
    records: [],
    fields: [],
    field: '',
    inQuotes: false,
    closed: false,
    line: 1,
    recordLine: 1,
    quoteLine: 1,
  };
  let i = 0;
  while (i < text.length) {
    if (s.inQuotes) {
      i += readQuoted(s, text, i);
      continue;
    }
    const ch = text[i] as string;
    if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      endRecord(s);
      s.line++;
      s.recordLine = s.line;
      continue;
    }
    i++;
    if (ch === ',') endField(s);
    else if (s.closed) return { ok: false, line: s.line, message: 'text after a closing quote' };
    else if (ch !== '"') s.field += ch;
    else if (s.field === '') {
      s.inQuotes = true;
      s.quoteLine = s.line;
    } else return { ok: false, line: s.line, message: 'a quote inside an unquoted field (quote the whole field)' };
  }
  if (s.inQuotes) return { ok: false, line: s.quoteLine, message: 'a quoted field is never closed' };
  if (s.field !== '' || s.fields.length > 0 || s.closed) endRecord(s);
  return { ok: true, records: s.records };
}
