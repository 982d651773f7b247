import { readFile } from 'node:fs/promises';

/**
 * The agent's version from device-agent/package.json, which sits one level above both src/ and dist/.
 * Read at start, not cached at module level: many agents may share one process (fleet simulator).
 */
export async function readAgentVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
