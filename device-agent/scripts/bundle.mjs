#!/usr/bin/env node
/**
 * Builds dist/nguon-agent.mjs, the one file a receiver runs (nguon-agent.service): the agent and the
 * workspace packages it uses, with zod inlined and tree-shaken. Loaded from node_modules, zod brings
 * every schema kind and all its locales, several MB of heap a receiver never uses (issue 5 item 10,
 * "under 60 MB RSS"). Packages with native parts or worker files (better-sqlite3, pino, mqtt) stay
 * external and are installed next to it by install.sh. The soak benchmark runs this same bundle with
 * the same Node flags, read from the unit file, so its figures are the receiver's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT_DIR = fileURLToPath(new URL('../', import.meta.url));
const ROOT = path.join(AGENT_DIR, '..');
export const UNIT_FILE = path.join(AGENT_DIR, 'deploy/nguon-agent.service');
/** Bundled in rather than loaded from node_modules. */
const INLINE = new Set(['zod']);

/**
 * `z.locales` re-exports zod's 40-odd error-message locales (350 kB of source, kept in the heap as the
 * script's text); the agent uses only English, which zod registers by itself. Only `en` stays.
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-en' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

export async function bundleAgent(outfile = path.join(AGENT_DIR, 'dist/nguon-agent.mjs')) {
  const { build } = await import('esbuild');
  const external = new Set();
  for (const pkg of ['device-agent', 'protocols', 'schemas']) {
    const json = JSON.parse(await readFile(path.join(ROOT, pkg, 'package.json'), 'utf8'));
    for (const name of Object.keys(json.dependencies ?? {})) {
      if (!name.startsWith('@nguon/') && !INLINE.has(name)) external.add(name);
    }
  }
  await build({
    entryPoints: [path.join(AGENT_DIR, 'src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@nguon/source'],
    external: [...external],
    outfile,
    logLevel: 'warning',
    legalComments: 'none',
    plugins: [englishOnlyZod],
    // Whitespace and syntax only: the source text stays in the heap, but identifiers keep their names
    // for the stack traces in a receiver's journal.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  return outfile;
}

/**
 * What the unit gives Node: the flags in `NGUON_NODE_FLAGS` and the other `Environment=` variables
 * (MALLOC_ARENA_MAX…), so a benchmark can start the agent exactly as systemd does.
 */
export async function unitLaunch() {
  const text = await readFile(UNIT_FILE, 'utf8');
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^Environment="?([A-Z_]+)=([^"]*)"?\s*$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  const flags = (env.NGUON_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  delete env.NGUON_NODE_FLAGS;
  delete env.NODE_ENV;
  return { flags, env };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`built ${path.relative(process.cwd(), await bundleAgent())}\n`);
}
