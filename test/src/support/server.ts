import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type RunningServer, type ServerOverrides, startServer } from '@nguon/server';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  running: RunningServer;
  baseUrl: string;
  dataDir: string;
  adminToken: string;
  config: ReturnType<typeof loadConfig>;
  api<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * A real server: temporary SQLite file and data folder, embedded broker and HTTP on port 0. Given
 * `NGUON_DATA_DIR` (and ports) in `env`, it runs on that folder instead, which `close()` then leaves in
 * place: see `sameAddressEnv` for a restart.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: { clock?: () => number } & ServerOverrides = {},
): Promise<TestServer> {
  const ownsDataDir = env.NGUON_DATA_DIR === undefined;
  const dataDir = env.NGUON_DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'nguon-test-')));
  const config = loadConfig({
    NGUON_DATA_DIR: dataDir,
    NGUON_HOST: '127.0.0.1',
    NGUON_HTTP_PORT: '0',
    NGUON_MQTT_HOST: '127.0.0.1',
    NGUON_MQTT_PORT: '0',
    NGUON_ADMIN_PASSWORD: ADMIN_PASSWORD,
    NGUON_LOG_LEVEL: process.env.NGUON_TEST_LOG ?? 'silent',
    ...env,
  });
  const { clock, ...overrides } = opts;
  const running = await startServer(config, createLogger(config.logLevel, false), clock, overrides);
  const baseUrl = running.url;

  async function api<T>(method: string, url: string, body?: unknown, token?: string | null): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    const auth = token === undefined ? adminToken : token;
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
  }

  let adminToken = '';
  const login = await api<{ token: string }>(
    'POST',
    '/api/v1/auth/login',
    {
      username: 'admin',
      password: ADMIN_PASSWORD,
    },
    null,
  );
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  adminToken = login.body.token;

  return {
    running,
    baseUrl,
    dataDir,
    adminToken,
    config,
    api,
    async close() {
      await running.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Env for a server that takes over from `server` after it stopped: the same data folder and the same
 * HTTP and MQTT ports, so receivers reconnect to the address they know and media URLs stay valid.
 */
export function sameAddressEnv(server: TestServer): Record<string, string> {
  const mqttPort = server.running.broker?.port;
  if (mqttPort === undefined) throw new Error('sameAddressEnv needs the embedded broker');
  return {
    NGUON_DATA_DIR: server.dataDir,
    NGUON_HTTP_PORT: new URL(server.baseUrl).port,
    NGUON_MQTT_PORT: String(mqttPort),
  };
}

export interface RegisteredDevice {
  deviceId: string;
  secret: string;
  brokerUrl: string;
}

export async function registerDevice(
  server: TestServer,
  unitCode: string,
  name = 'Loa thử',
): Promise<RegisteredDevice> {
  const res = await server.api<{ credentials: RegisteredDevice }>('POST', '/api/v1/devices', { unitCode, name });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.credentials;
}
