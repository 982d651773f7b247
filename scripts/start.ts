/**
 * `npm start`: the whole system on one machine — server, embedded broker, SQLite in ./data, a demo
 * province on first run — and, with `--receivers N`, N simulated receivers running the real agent
 * with the `null` player, so a newcomer sees live devices.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAgent, loadAgentConfig } from '@nguon/device-agent';
import { provisionDemoReceivers, runServer } from '@nguon/server';

const { values } = parseArgs({
  options: { receivers: { type: 'string', short: 'r' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.warn(`usage: npm start [-- --receivers N]
  Settings come from NGUON_* environment variables (see README.md), e.g.
  NGUON_HTTP_PORT=8080 NGUON_MQTT_PORT=1884 NGUON_DATA_DIR=./data npm start -- --receivers 10`);
  process.exit(0);
}
const receivers = Number(values.receivers ?? process.env.NGUON_DEMO_RECEIVERS ?? 0);
if (!Number.isInteger(receivers) || receivers < 0 || receivers > 5000) {
  console.error('--receivers must be a whole number from 0 to 5000');
  process.exit(2);
}

const running = await runServer(process.env);
if (receivers > 0) {
  const creds = provisionDemoReceivers(running.services, receivers);
  const agents = creds.map((c) =>
    createAgent(
      loadAgentConfig(
        {
          deviceId: c.deviceId,
          secret: c.secret,
          brokerUrl: running.brokerUrl,
          dataDir: path.join(running.config.dataDir, 'demo-receivers', c.deviceId),
          player: 'null',
          heartbeatIntervalS: 15,
          logLevel: 'warn',
        },
        {},
      ),
    ),
  );
  await Promise.all(agents.map((a) => a.start()));
  process.stdout.write(
    `  ${receivers} simulated receivers are connected (null player: they decode, but make no sound).\n`,
  );
}
