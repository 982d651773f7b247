import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type RunningServer, startServer } from '@nguon/server';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

/** A real server in this process: temp data folder, embedded broker and HTTP on 127.0.0.1, ports 0. */
export async function startBenchServer(
  env: Record<string, string> = {},
): Promise<{ running: RunningServer; dataDir: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-server-'));
  const config = loadConfig({
    NGUON_DATA_DIR: dataDir,
    NGUON_HOST: '127.0.0.1',
    NGUON_HTTP_PORT: '0',
    NGUON_MQTT_HOST: '127.0.0.1',
    NGUON_MQTT_PORT: '0',
    NGUON_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    NGUON_LOG_LEVEL: process.env.NGUON_BENCH_LOG ?? 'warn',
    ...env,
  });
  const running = await startServer(config, createLogger(config.logLevel, false));
  return {
    running,
    dataDir,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
