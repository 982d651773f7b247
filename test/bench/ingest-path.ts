/**
 * `npx tsx --conditions=@nguon/source test/bench/ingest-path.ts`
 *
 * The server's CPU per heartbeat on the ingest path without the network: decode (zod) → presence →
 * write-behind queue → SQLite batches, 100,000 heartbeats of 20,000 receivers. Complements
 * `bench:ingest` (the whole path through broker and MQTT client) on a shared machine, where CPU time
 * per message is a steadier figure than messages per wall-clock second. Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode, encodeForDevice } from '@nguon/protocols';
import { createIngestWriter, createLogger, createPresence, openDatabase } from '@nguon/server';

import { printFigures } from './support/figures.js';

const { sqlite } = openDatabase(path.join(mkdtempSync(path.join(tmpdir(), 'micro-')), 'db.sqlite'));
const writer = createIngestWriter({
  sqlite,
  config: { flushMs: 250, batch: 1000, queueMax: 1e6, deviceRate: 1, deviceBurst: 1 },
  log: createLogger('silent', false),
  storeLog: () => {},
});
const presence = createPresence({ sqlite, writer, clock: Date.now, timeoutMs: 90_000, graceMs: 90_000 });
const health = {
  uptimeS: 1,
  agentUptimeS: 1,
  cpuTempC: 48.5,
  load1: 0.3,
  memTotalMb: 1024,
  memUsedPct: 35,
  diskTotalMb: 15000,
  diskUsedPct: 42,
  volume: 80,
  muted: false,
  agentVersion: 'b',
  link: { type: 'cellular' as const, signalDbm: -85 },
  playing: null,
};
const N = 100_000;
const msgs = Array.from({ length: N }, (_, i) =>
  encodeForDevice('heartbeat', `r${i % 20000}`, {
    v: 1,
    id: randomUUID(),
    ts: Date.now(),
    seq: i,
    session: `s${i % 20000}`,
    health,
  }),
);
const c0 = process.cpuUsage();
const t0 = performance.now();
for (const m of msgs) {
  const d = decode(m.topic, m.payload);
  if (!d.ok || d.kind !== 'heartbeat' || !d.deviceId) throw new Error('bad');
  if (presence.onHeartbeat(d.deviceId, d.message)) writer.sample(d.deviceId, Date.now(), d.message.health);
  if (writer.stats().queued >= 1000) writer.flush();
}
writer.flush();
const c = process.cpuUsage(c0);
printFigures({
  bench: 'ingest-path',
  n: N,
  wallMs: Math.round(performance.now() - t0),
  cpuUsPerHeartbeat: Math.round((c.user + c.system) / N),
  rows: sqlite.prepare('SELECT count(*) FROM health_samples').pluck().get(),
});
