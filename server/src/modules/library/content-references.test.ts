import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/db.js';
import { bulletinReferenceCheck, createContentReferences } from './content-references.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('content references', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nguon-refs-'));
  const database = openDatabase(path.join(dir, 'db.sqlite'));
  afterAll(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names every check that still needs a file', () => {
    const refs = createContentReferences();
    refs.addReferenceCheck('one', (sha) => sha === A);
    refs.addReferenceCheck('two', () => false);
    expect(refs.referencedBy(A)).toEqual(['one']);
    expect(refs.referencedBy(B)).toEqual([]);
  });

  it('keeps audio that any bulletin version lists among its items', () => {
    const items = JSON.stringify([{ sha256: A, title: 'Bản tin', durationMs: 1000 }]);
    database.db.run(sql`INSERT INTO bulletin_versions (bulletin_id, version, state, type, field, priority, title, produced_at, items)
      VALUES (1, 1, 'draft', 3, 1, 3, 'Bản tin', 0, ${items})`);
    const check = bulletinReferenceCheck(database.db);
    expect([check(A), check(B)]).toEqual([true, false]);
  });
});
