/**
 * Conditional and single-range GET for immutable, content-addressed files (RFC 9110 §13, §14).
 * @fastify/send cannot be used: it computes its own weak `W/"size-mtime"` ETag and evaluates
 * If-None-Match/If-Range against that, so a strong `"<sha256>"` ETag set by us would be ignored.
 */

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Entity tags in an If-None-Match / If-Range list; `W/` is dropped because If-None-Match compares weakly. */
function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => (t.startsWith('W/') ? t.slice(2) : t));
}

/** True when the client's cached copy is current, i.e. answer 304 (weak comparison, §13.1.2). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return tags(ifNoneMatch).includes(etag);
}

/**
 * Decides how to answer a `Range` header for a file of `size` bytes. Multiple ranges, other units and
 * malformed headers get the full file, as §14.2 allows a server to ignore Range; a syntactically valid
 * range that lies wholly past the end is 416. An If-Range that is not our strong ETag (a date, or a
 * stale tag) also gets the full file (§13.1.5).
 */
export function decideRange(
  range: string | undefined,
  size: number,
  ifRange?: { header: string | undefined; etag: string },
): RangeDecision {
  if (range === undefined) return { kind: 'full' };
  if (ifRange?.header !== undefined && ifRange.header.trim() !== ifRange.etag) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!m) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'full' };
  return { kind: 'partial', start, end };
}

export function contentRange(d: RangeDecision, size: number): string | undefined {
  if (d.kind === 'partial') return `bytes ${d.start}-${d.end}/${size}`;
  if (d.kind === 'unsatisfiable') return `bytes */${size}`;
  return undefined;
}
