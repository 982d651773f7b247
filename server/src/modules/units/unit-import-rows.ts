import { UnitCodeSchema } from '@nguon/schemas';
import { z } from 'zod';
import { parseCsv } from './csv.js';

/** Administrative levels, top down. Any depth is allowed: the tree, not this list, says who is under whom. */
export const UNIT_LEVELS = ['national', 'province', 'district', 'commune'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** One unit of an import file, validated; `line` is the CSV line, or the index in a JSON `units` array. */
export interface ImportRow {
  line: number;
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
}

export interface LineError {
  line: number;
  code?: string;
  message: string;
}

export interface ParsedRows {
  rows: ImportRow[];
  errors: LineError[];
  /** Codes of rows refused for another field: their children should not also be reported as orphans. */
  rejectedCodes: string[];
}

const Code = z.string().trim().pipe(UnitCodeSchema);

/** Names are stored NFC: the same commune typed on a Mac (NFD) and on Windows (NFC) must compare equal. */
export const UnitNameSchema = z
  .string()
  .trim()
  .transform((s) => s.normalize('NFC'))
  .pipe(z.string().min(1, 'name is empty').max(200));

export const UnitRowSchema = z
  .object({
    code: Code,
    name: UnitNameSchema,
    level: z.enum(UNIT_LEVELS, { error: `level must be one of ${UNIT_LEVELS.join(', ')}` }),
    parentCode: Code.nullish(),
  })
  .strict();

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

function validate(line: number, value: unknown, out: ParsedRows): void {
  const r = UnitRowSchema.safeParse(value);
  if (r.success) {
    out.rows.push({ line, ...r.data, parentCode: r.data.parentCode ?? null });
    return;
  }
  const raw = (value as { code?: unknown } | null)?.code;
  const code = Code.safeParse(raw);
  if (code.success) out.rejectedCodes.push(code.data);
  out.errors.push({ line, ...(code.success ? { code: code.data } : {}), message: issueText(r.error) });
}

/** Rows of a JSON import (`{units: [...]}`); each is named by its index in the array. */
export function rowsFromJson(items: readonly unknown[]): ParsedRows {
  const out: ParsedRows = { rows: [], errors: [], rejectedCodes: [] };
  items.forEach((item, index) => {
    validate(index, item, out);
  });
  return out;
}

const COLUMNS = { code: 'code', name: 'name', level: 'level', parent_code: 'parentCode' } as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: readonly Column[] = ['code', 'name', 'level'];
const isColumn = (h: string): h is Column => Object.hasOwn(COLUMNS, h);

/** Maps header names to field indexes; columns may come in any order, `parent_code` may be left out. */
function readHeader(fields: readonly string[]): Map<Column, number> | string {
  const index = new Map<Column, number>();
  for (const [i, raw] of fields.entries()) {
    const h = raw.trim().toLowerCase();
    if (!isColumn(h)) return `unknown column "${raw}"; expected code,name,level,parent_code`;
    if (index.has(h)) return `column "${h}" appears twice`;
    index.set(h, i);
  }
  const missing = REQUIRED.filter((c) => !index.has(c));
  return missing.length ? `missing column(s): ${missing.join(', ')}` : index;
}

/** Reads a CSV unit list (header `code,name,level,parent_code`, UTF-8 with or without a BOM). */
export function parseUnitCsv(text: string): ParsedRows {
  const out: ParsedRows = { rows: [], errors: [], rejectedCodes: [] };
  const csv = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!csv.ok) return { ...out, errors: [{ line: csv.line, message: csv.message }] };
  const [head, ...records] = csv.records;
  if (!head)
    return { ...out, errors: [{ line: 1, message: 'empty file: expected the header code,name,level,parent_code' }] };
  const header = readHeader(head.fields);
  if (typeof header === 'string') return { ...out, errors: [{ line: head.line, message: header }] };
  for (const { line, fields } of records) {
    if (fields.length !== head.fields.length) {
      out.errors.push({ line, message: `expected ${head.fields.length} fields, found ${fields.length}` });
      continue;
    }
    const value: Record<string, string | null> = {};
    for (const [column, i] of header) value[COLUMNS[column]] = fields[i] ?? '';
    // An empty parent_code cell means a root unit (only an administrator may create one).
    if (!value.parentCode?.trim()) value.parentCode = null;
    validate(line, value, out);
  }
  return out;
}
