import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup of the integration project: the server serves web-console/dist, so build it once
 * before the tests when it is missing or older than its sources (a no-op otherwise).
 */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../../web-console/ensure-built.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building the web console failed (exit ${r.status})`);
}
