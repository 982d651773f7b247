import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@nguon/source` export condition.
const conditions = ['@nguon/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@nguon/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{protocols,schemas,server,device-agent,web-console}/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/src/**/*.test.ts'],
          // The server serves the web console's build; the browser tests need it current.
          globalSetup: ['test/src/support/console-build.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start real brokers, servers and ffmpeg: keep them off each other's CPU.
          fileParallelism: false,
        },
      },
    ],
  },
});
