#!/usr/bin/env node
// Builds the console (vite build) when dist/ is missing or older than its sources, so `npm start`
// always serves the console of the checked-out code; a fresh build takes a few seconds.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
};
function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : mtime(p));
  }
  return max;
}

const built = mtime(path.join(here, 'dist', 'index.html'));
const sources = Math.max(
  newest(path.join(here, 'src')),
  mtime(path.join(here, 'index.html')),
  mtime(path.join(here, 'vite.config.ts')),
  newest(path.join(here, '..', 'schemas', 'src')),
);
if (built === 0 || sources > built) {
  process.stderr.write(built === 0 ? 'Building the web console…\n' : 'Rebuilding the web console (sources changed)…\n');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: here, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
