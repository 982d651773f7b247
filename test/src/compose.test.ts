import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string[];
  profiles?: string[];
}

/** No Docker engine runs here, so check what can be checked: it parses and points at real things. */
describe('docker-compose.yml', () => {
  const doc = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
  };

  it('names a server and runs simulated receivers by default', () => {
    const main = Object.values(doc.services).find((s) => !s.profiles);
    expect(main?.command).toContain('--receivers');
  });

  it.each(Object.keys(doc.services))('service %s builds from a real Dockerfile or names an image', (name) => {
    const s = doc.services[name]!;
    if (s.build !== undefined) {
      const ctx = typeof s.build === 'string' ? s.build : s.build.context;
      const dockerfile = typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
      expect(existsSync(path.join(ROOT, ctx, dockerfile))).toBe(true);
    } else {
      expect(s.image).toMatch(/^[a-z0-9./-]+:[\w.-]+$/);
    }
  });

  it.each(Object.keys(doc.services))('service %s runs a script that exists in the repo', (name) => {
    const s = doc.services[name]!;
    if (!s.build) return;
    const scripts = (s.command ?? []).filter((a) => /\.(ts|js)$/.test(a));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(existsSync(path.join(ROOT, script))).toBe(true);
  });
});
