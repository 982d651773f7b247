import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase } from './db.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'nguon-db-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the migrations folder holding only the first `n` migrations. */
function firstMigrations(n: number): string {
  const dir = tmp();
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
  journal.entries = journal.entries.slice(0, n);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('migrations', () => {
  it('upgrade a database made by the first release without losing its rows', () => {
    const file = path.join(tmp(), 'old.sqlite');
    const old = openDatabase(file, firstMigrations(1));
    old.sqlite
      .prepare(`INSERT INTO auth_tokens (token_hash, user_id, kind, expires_at) VALUES ('abc', 1, 'session', 99)`)
      .run();
    old.sqlite.prepare(`INSERT INTO devices (id, unit_id, name, secret_hash) VALUES ('d1', 1, 'x', 'h')`).run();
    old.close();

    const db = openDatabase(file);
    expect(db.sqlite.prepare('SELECT token_hash, kind, id FROM auth_tokens').all()).toEqual([
      { token_hash: 'abc', kind: 'session', id: 1 },
    ]);
    expect(db.sqlite.prepare('SELECT tags FROM devices').get()).toEqual({ tags: '[]' });
    db.close();
  });

  it('run in WAL mode', () => {
    const db = openDatabase(path.join(tmp(), 'wal.sqlite'));
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('make the audit log refuse updates and deletes', () => {
    const db = openDatabase(path.join(tmp(), 'audit.sqlite'));
    db.sqlite.prepare(`INSERT INTO audit_log (at, action, outcome) VALUES (1, 'x', 'ok')`).run();
    expect(() => db.sqlite.prepare(`UPDATE audit_log SET outcome = 'changed'`).run()).toThrow(/append-only/);
    expect(() => db.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.sqlite.prepare('SELECT outcome FROM audit_log').get()).toEqual({ outcome: 'ok' });
    db.close();
  });
});
