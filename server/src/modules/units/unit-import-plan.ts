import type { ImportRow, LineError, ParsedRows } from './unit-import-rows.js';

/** A unit already in the database, as the planner needs it. */
export interface ExistingUnit {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
}

export type Change = 'name' | 'level' | 'parent';

export interface PlanStep {
  action: 'create' | 'update';
  row: ImportRow;
  changes: Change[];
}

export interface ImportPlan {
  /** Parents before children, so each step's parent exists when the step runs. */
  steps: PlanStep[];
  unchanged: number;
  /** Codes of existing units that get a new parent: their receivers need new area topics. */
  moved: string[];
}

export type PlanResult =
  | { ok: true; plan: ImportPlan }
  | { ok: false; reason: 'unprocessable' | 'forbidden'; errors: LineError[] };

/** Bounds every walk up the tree, so corrupt data cannot loop forever (the SQL side uses 32). */
const MAX_DEPTH = 64;

/** The tree as it would be after the import: the file's rows over the database's units. */
class Tree {
  readonly existing = new Map<string, ExistingUnit>();
  readonly codeOfId = new Map<number, string>();
  readonly rows = new Map<string, ImportRow>();

  constructor(existing: readonly ExistingUnit[]) {
    for (const u of existing) {
      this.existing.set(u.code, u);
      this.codeOfId.set(u.id, u.code);
    }
  }

  currentParent(code: string): string | null {
    const pid = this.existing.get(code)?.parentId;
    return pid === null || pid === undefined ? null : (this.codeOfId.get(pid) ?? null);
  }

  parent(code: string): string | null {
    const row = this.rows.get(code);
    return row ? row.parentCode : this.currentParent(code);
  }

  /** Codes from `code` up to its root, after the import (or before it, with `now`). */
  chain(code: string, now = false): string[] {
    const out: string[] = [];
    for (let c: string | null = code; c !== null && out.length < MAX_DEPTH; ) {
      out.push(c);
      c = now ? this.currentParent(c) : this.parent(c);
    }
    return out;
  }
}

/** Duplicate codes and parents found neither in the file nor in the database. */
function structureErrors(tree: Tree, input: ParsedRows): LineError[] {
  const errors: LineError[] = [];
  const rejected = new Set(input.rejectedCodes);
  for (const row of input.rows) {
    const first = tree.rows.get(row.code);
    if (first) {
      errors.push({
        line: row.line,
        code: row.code,
        message: `duplicate code ${row.code} (first on line ${first.line})`,
      });
      continue;
    }
    tree.rows.set(row.code, row);
  }
  for (const row of tree.rows.values()) {
    const p = row.parentCode;
    if (p !== null && !tree.rows.has(p) && !tree.existing.has(p) && !rejected.has(p))
      errors.push({ line: row.line, code: row.code, message: `unknown parent code ${p}` });
  }
  return errors;
}

/**
 * A unit that is (after the import) its own ancestor. The database tree has no cycle, so every cycle
 * runs through the file's rows; each of its rows is reported, with the loop spelled out.
 */
function cycleErrors(tree: Tree): LineError[] {
  const errors: LineError[] = [];
  const settled = new Set<string>();
  for (const start of tree.rows.keys()) {
    const walk: string[] = [];
    let c: string | null = start;
    while (c !== null && !settled.has(c) && !walk.includes(c) && walk.length < MAX_DEPTH) {
      walk.push(c);
      c = tree.parent(c);
    }
    if (c !== null && walk.includes(c)) {
      const loop = walk.slice(walk.indexOf(c));
      const text = [...loop, c].join(' → ');
      for (const code of loop) {
        const row = tree.rows.get(code);
        if (row) errors.push({ line: row.line, code, message: `cycle: ${text} (a unit would lie below itself)` });
      }
    }
    for (const w of walk) settled.add(w);
  }
  return errors;
}

/**
 * With a scope root (a non-admin caller's unit), every row must end up inside that subtree, an existing
 * unit may be changed only if it is inside it now, and the root itself may not be changed (issue 3).
 */
function scopeErrors(tree: Tree, scopeRoot: string): LineError[] {
  const errors: LineError[] = [];
  for (const row of tree.rows.values()) {
    const deny = (message: string) => errors.push({ line: row.line, code: row.code, message });
    const before = tree.existing.get(row.code);
    if (!tree.chain(row.code).includes(scopeRoot)) deny(`${row.code} would lie outside your unit ${scopeRoot}`);
    else if (before && changesOf(before, row, tree).length > 0) {
      if (row.code === scopeRoot) deny(`only an administrator may change your own unit ${scopeRoot}`);
      else if (!tree.chain(row.code, true).includes(scopeRoot)) deny(`${row.code} lies outside your unit ${scopeRoot}`);
    }
  }
  return errors;
}

function changesOf(before: ExistingUnit, row: ImportRow, tree: Tree): Change[] {
  const changes: Change[] = [];
  if (before.name !== row.name) changes.push('name');
  if (before.level !== row.level) changes.push('level');
  if (tree.currentParent(row.code) !== row.parentCode) changes.push('parent');
  return changes;
}

function buildPlan(tree: Tree): ImportPlan {
  const depth = (code: string) => tree.chain(code).length;
  const ordered = [...tree.rows.values()].sort((a, b) => depth(a.code) - depth(b.code) || a.line - b.line);
  const plan: ImportPlan = { steps: [], unchanged: 0, moved: [] };
  for (const row of ordered) {
    const before = tree.existing.get(row.code);
    if (!before) {
      plan.steps.push({ action: 'create', row, changes: [] });
      continue;
    }
    const changes = changesOf(before, row, tree);
    if (changes.length === 0) plan.unchanged++;
    else plan.steps.push({ action: 'update', row, changes });
    if (changes.includes('parent')) plan.moved.push(row.code);
  }
  return plan;
}

const byLine = (a: LineError, b: LineError) => a.line - b.line;

/**
 * Decides what an import does, without touching the database: which units to create, which to rename
 * or move, in an order where parents come first. Any error refuses the whole file (nothing is imported),
 * and every bad line is reported at once. `scopeRoot` is the caller's unit code, or null for an admin.
 */
export function planUnitImport(
  existing: readonly ExistingUnit[],
  input: ParsedRows,
  scopeRoot: string | null,
): PlanResult {
  const tree = new Tree(existing);
  const invalid = [...input.errors, ...structureErrors(tree, input)];
  invalid.push(...cycleErrors(tree));
  if (invalid.length > 0) return { ok: false, reason: 'unprocessable', errors: invalid.sort(byLine) };
  if (scopeRoot !== null) {
    const denied = scopeErrors(tree, scopeRoot);
    if (denied.length > 0) return { ok: false, reason: 'forbidden', errors: denied.sort(byLine) };
  }
  return { ok: true, plan: buildPlan(tree) };
}
