import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** web-console/dist beside this package, from src/plugins (tsx) or dist/plugins (built) alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../web-console/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Nguồn</title>
<p>Bảng điều khiển chưa được dựng. Chạy <code>npm run build</code> rồi khởi động lại máy chủ.</p>
<p lang="en">The web console is not built. Run <code>npm run build</code> and restart the server.</p></html>`;

function isFile(root: string, rel: string): boolean {
  const full = path.resolve(root, rel);
  if (!full.startsWith(root)) return false;
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the operators' web console (issue 9) from its Vite build at `/`: files as they are (hashed
 * assets cached for a year), any other path outside /api answered with index.html so the console's own
 * router shows the page. The API keeps its JSON 404 for unknown /api routes.
 */
export const consoleStatic: FastifyPluginAsync<{ root?: string }> = async (app, opts) => {
  const root = path.resolve(opts.root ?? CONSOLE_DIR) + path.sep;
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { config: { access: { public: true } } }, async (request, reply) => {
    const rel = (request.params as { '*': string })['*'] ?? '';
    if (rel === 'api' || rel.startsWith('api/')) return reply.callNotFound();
    const hashed = rel.startsWith('assets/');
    if (rel && isFile(root, rel))
      return reply.sendFile(rel, hashed ? { maxAge: '365d', immutable: true } : { cacheControl: false });
    // A missing script or stylesheet must fail as such, not arrive as the HTML page.
    if (hashed) return reply.callNotFound();
    if (!isFile(root, 'index.html')) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
};
