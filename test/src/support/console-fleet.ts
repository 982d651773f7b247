import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFleet, type Fleet } from '@nguon/device-agent/fleet';
import type { Locator } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser.js';
import { startTestServer, type TestServer } from './server.js';

export const PASSWORD = 'mat-khau-thu-nghiem';
const LOG_LEVEL = process.env.NGUON_TEST_LOG ?? 'silent';

export interface ConsoleUser {
  username: string;
  displayName: string;
  role: string;
  unitCode: string;
}
export interface Receiver {
  unitCode: string;
  name: string;
  lat?: number;
  lon?: number;
}

export interface ConsoleFleet {
  server: TestServer;
  fleet: Fleet;
  browser: TestBrowser;
  /** In the order of `receivers`. */
  deviceIds: string[];
  /** Logs in through the console's form with the shared test password. */
  login(username: string): Promise<void>;
  /** A link of the main navigation, by its Vietnamese name. */
  nav(name: string): Locator;
  close(): Promise<void>;
}

/**
 * What every console test needs (issue 9): a real server (with `env`), its users, simulated receivers
 * (the real agent in the fleet simulator, heartbeat every 2 s) connected to its broker, and chromium.
 */
export async function startConsoleFleet(opts: {
  users: readonly ConsoleUser[];
  receivers: readonly Receiver[];
  env?: Record<string, string>;
  browserArgs?: readonly string[];
}): Promise<ConsoleFleet> {
  const server = await startTestServer(opts.env);
  let fleetDir = '';
  let fleet: Fleet | undefined;
  let browser: TestBrowser | undefined;
  let deviceIds: string[] = [];
  const close = async () => {
    await browser?.close();
    await fleet?.stop();
    // The simulated receivers share this process's fetch pool: after a live stream (the mic test) some of
    // its sockets to the server stay open without a request, and the server's close would wait for
    // them until its header timeout (60 s). Nothing else is on them once the fleet stopped.
    server.running.app.server.closeAllConnections();
    await server.close();
    if (fleetDir) await rm(fleetDir, { recursive: true, force: true });
  };
  try {
    for (const u of opts.users) {
      const r = await server.api('POST', '/api/v1/users', { ...u, password: PASSWORD });
      if (r.status !== 201) throw new Error(`user ${u.username}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const devices = opts.receivers.map(({ unitCode, ...rest }) => {
      const unit = server.running.services.units.byCode(unitCode);
      if (!unit) throw new Error(`no unit ${unitCode}`);
      const { device, secret } = server.running.services.devices.register({ unitId: unit.id, ...rest });
      return { deviceId: device.id, secret };
    });
    deviceIds = devices.map((d) => d.deviceId);
    fleetDir = await mkdtemp(path.join(tmpdir(), 'nguon-console-fleet-'));
    fleet = createFleet({
      devices,
      brokerUrl: server.running.brokerUrl,
      dataDir: fleetDir,
      heartbeatIntervalS: 2,
      logLevel: LOG_LEVEL,
    });
    await fleet.start();
    await fleet.untilConnected();
    browser = await launchBrowser({ args: opts.browserArgs ?? [] });
  } catch (err) {
    await close();
    throw err;
  }
  const b = browser;
  return {
    server,
    fleet,
    browser: b,
    deviceIds,
    login: (username) => b.login(server.baseUrl, username, PASSWORD),
    nav: (name) => b.page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name }),
    close,
  };
}
