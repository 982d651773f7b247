/** Writes the permission matrix (schemas/src/permissions.ts) into README.md between its markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderPermissionTable } from '@nguon/schemas';

export const START = '<!-- permissions:start -->';
export const END = '<!-- permissions:end -->';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const [before, rest] = readme.split(START);
const after = rest?.split(END)[1];
if (before === undefined || after === undefined) throw new Error(`README.md lacks ${START} … ${END}`);
writeFileSync(file, `${before}${START}\n${renderPermissionTable()}\n${END}${after}`);
