import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { can, mayGrant, PERMISSION_NAMES, ROLES, renderPermissionTable } from './permissions.js';

describe('permission matrix', () => {
  it('is the table in the README (regenerate with npm run docs:permissions)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const between = readme.split('<!-- permissions:start -->')[1]?.split('<!-- permissions:end -->')[0]?.trim();
    expect(between).toBe(renderPermissionTable());
  });

  it('gives admin everything and a viewer nothing that writes', () => {
    for (const p of PERMISSION_NAMES) expect(can('admin', p)).toBe(true);
    for (const p of PERMISSION_NAMES) if (!p.endsWith('.read')) expect(can('viewer', p), p).toBe(false);
    expect(can('nobody', 'units.read')).toBe(false);
  });

  it('lets a role grant only roles whose rights it holds', () => {
    expect(mayGrant('province_operator', 'admin')).toBe(false);
    expect(mayGrant('province_operator', 'commune_operator')).toBe(true);
    expect(mayGrant('province_operator', 'viewer')).toBe(true);
    // An approver reads the audit log, which a commune operator may not: no escalation by granting.
    expect(mayGrant('commune_operator', 'approver')).toBe(false);
    for (const r of ROLES) expect(mayGrant('admin', r)).toBe(true);
  });
});
