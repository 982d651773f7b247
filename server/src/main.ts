import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './plugins/logger.js';
import { PortInUseError, type RunningServer, startServer } from './server.js';

/** Prints what a newcomer needs after start: where to browse, how to log in, where receivers connect. */
function banner(running: RunningServer, dataDir: string): string {
  const lines = [
    '',
    `  Nguồn is running: ${running.url}`,
    `  MQTT broker for receivers: ${running.brokerUrl}`,
    `  Data folder: ${dataDir}`,
  ];
  if (running.initialAdminPassword) {
    lines.push(
      '',
      '  First run: an administrator account was created. This password is shown only once:',
      `    username: admin`,
      `    password: ${running.initialAdminPassword}`,
      `  Log in:  curl -X POST ${running.url}/api/v1/auth/login -H 'content-type: application/json' \\`,
      `             -d '{"username":"admin","password":"${running.initialAdminPassword}"}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The server's entry point; `env` is the process environment (the only place it is read). */
export async function runServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let running: RunningServer;
  try {
    running = await startServer(config, log);
  } catch (err) {
    if (err instanceof PortInUseError) {
      console.error(`\n  ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  process.stdout.write(banner(running, config.dataDir));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return running;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServer(process.env).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
