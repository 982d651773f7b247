import { writeFile } from 'node:fs/promises';
import { provisionDemoReceivers } from '@nguon/server';
import { startBenchServer } from '../support/bench-server.js';

const server = await startBenchServer();
const creds = provisionDemoReceivers(server.running.services, Number(process.argv[2] ?? 500));
await writeFile('/tmp/fl/creds.json', JSON.stringify(creds));
const online = new Set<string>();
server.running.mqtt.on('presence', ({ deviceId, message }) => {
  if (deviceId) {
    if (message.state === 'online') online.add(deviceId);
    else online.delete(deviceId);
  }
});
await writeFile('/tmp/fl/broker.txt', server.running.brokerUrl);
setInterval(
  () =>
    process.stderr.write(
      `online ${online.size} clients ${server.running.broker?.connectedCount()} rss ${Math.round(process.memoryUsage().rss / 1048576)}\n`,
    ),
  2000,
);
