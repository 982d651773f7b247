#!/usr/bin/env node
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createAgent } from './agent.js';
import { type AgentConfig, AgentConfigError, loadAgentConfig } from './config.js';
import { createWatchdog } from './systemd/watchdog.js';

const FORCE_EXIT_MS = 10_000;
/**
 * Exit status after a `restartAgent` command (EX_TEMPFAIL). nguon-agent.service restarts on any exit
 * (Restart=always); a distinct status makes the restart recognisable in the journal.
 */
export const RESTART_EXIT_CODE = 75;

async function readConfigFile(path: string | undefined): Promise<unknown> {
  if (!path) return undefined;
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AgentConfigError([`config file ${path}: not valid JSON (${(err as Error).message})`]);
  }
}

/**
 * The only reader of process.env and of the config file. Config path: argv[2] or NGUON_AGENT_CONFIG;
 * without one, every setting comes from NGUON_AGENT_* variables.
 */
export async function runMain(argv: readonly string[], env: Record<string, string | undefined>): Promise<void> {
  const configPath = argv[2] ?? env.NGUON_AGENT_CONFIG;
  let config: AgentConfig;
  try {
    config = loadAgentConfig(await readConfigFile(configPath), env);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
    return;
  }
  // A relative dataDir means relative to where the agent was started, fixed once here.
  config = Object.freeze({ ...config, dataDir: resolve(config.dataDir) });
  const logger = pino({ level: config.logLevel, redact: ['secret', '*.secret', 'password', '*.password'] });
  const agent = createAgent(config, {
    logger,
    // The agent has already stopped cleanly (outbox flushed) when this runs.
    onRestartRequested: () => {
      logger.info({ exitCode: RESTART_EXIT_CODE }, 'restart requested: exiting for the supervisor');
      process.exit(RESTART_EXIT_CODE);
    },
  });
  const watchdog = createWatchdog({
    env,
    healthy: () => agent.state().running,
    onError: (err) => logger.warn({ reason: err.message }, 'systemd watchdog ping failed'),
  });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    watchdog.stop();
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), FORCE_EXIT_MS).unref();
    agent.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  await agent.start();
  watchdog.start();
}

/** Runs only as the entry point (node, tsx or the npm bin link), not when imported. */
async function isEntryPoint(): Promise<boolean> {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return (await realpath(entry)) === (await realpath(fileURLToPath(import.meta.url)));
  } catch {
    return false;
  }
}

if (await isEntryPoint()) {
  await runMain(process.argv, process.env).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
