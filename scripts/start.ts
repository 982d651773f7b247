/**
 * `npm start`: the whole system on one machine — server, embedded broker, SQLite in ./data, a demo
 * province on first run — and, with `--receivers N`, N simulated receivers: real agents from the fleet
 * simulator, with its timer player (silent; each bulletin lasts as long as its file), so a newcomer
 * sees live devices.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agentsPerProcess, createFleet, openFileLimit } from '@nguon/device-agent/fleet';
import { provisionDemoReceivers, runServer } from '@nguon/server';

// Server and receivers share this process: each receiver also costs the broker's end of its connection.
const MAX_RECEIVERS = Math.min(5000, agentsPerProcess(openFileLimit(), 1));

const { values } = parseArgs({
  options: { receivers: { type: 'string', short: 'r' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.warn(`usage: npm start [-- --receivers N]
  Settings come from NGUON_* environment variables (see README.md), e.g.
  NGUON_HTTP_PORT=8080 NGUON_MQTT_PORT=1884 NGUON_DATA_DIR=./data npm start -- --receivers 10
  More receivers, or receivers on another machine: npm run fleet -- --help`);
  process.exit(0);
}
const receivers = Number(values.receivers ?? process.env.NGUON_DEMO_RECEIVERS ?? 0);
if (!Number.isInteger(receivers) || receivers < 0 || receivers > MAX_RECEIVERS) {
  console.error(`--receivers must be a whole number from 0 to ${MAX_RECEIVERS} (ulimit -n bounds one process)`);
  process.exit(2);
}

const running = await runServer(process.env);
if (receivers > 0) {
  const fleet = createFleet({
    devices: provisionDemoReceivers(running.services, receivers),
    brokerUrl: running.brokerUrl,
    dataDir: path.join(running.config.dataDir, 'demo-receivers'),
    heartbeatIntervalS: 15,
  });
  process.stdout.write(`  ${receivers} simulated receivers are connecting (silent timer player).\n`);
  void fleet.untilConnected().then(() => process.stdout.write(`  All ${receivers} simulated receivers are online.\n`));
  await fleet.start();
}
