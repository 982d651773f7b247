import { defaultClientConditions, defineConfig } from 'vite';

// The console imports @nguon/schemas from its TypeScript sources (the `@nguon/source` export condition),
// so the zod schemas the server validates with are the ones the browser checks against.
export default defineConfig({
  resolve: { conditions: ['@nguon/source', ...defaultClientConditions] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' } },
});
