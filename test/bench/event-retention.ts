/**
 * `npm run bench:event-retention [-- --rows 1000000 --old-pct 90]`
 *
 * Device event retention (issue 5) on a real SQLite file: `rows` events, `old-pct` of them past the
 * retention, then one retention pass through the server's own service. Measures the pass's duration, the
 * rows per second it deletes, and the longest the event loop was held (what ingest would wait for).
 * Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createDeviceEventsService, createLogger, openDatabase } from '@nguon/server';
import { printFigures, progress, round } from './support/figures.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, 'old-pct': { type: 'string', default: '90' } },
});
const rows = Number(values.rows);
const oldRows = Math.round((rows * Number(values['old-pct'])) / 100);
const DAY = 86_400_000;

const dir = await mkdtemp(path.join(tmpdir(), 'nguon-bench-retention-'));
try {
  const database = openDatabase(path.join(dir, 'nguon.sqlite'));
  const now = Date.now();
  progress(`inserting ${rows} events (${oldRows} past retention)`);
  const insert = database.sqlite.prepare(
    `INSERT INTO device_events (event_id, device_id, type, level, message, data, device_ts, received_at)
     VALUES (?, ?, 'fmFallback', 'info', 'FM fallback switched on', NULL, ?, ?)`,
  );
  const fill = database.sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = i < oldRows ? now - 200 * DAY + i : now - DAY + i;
      insert.run(`e-${i}`, `rx-${i % 10_000}`, at, at);
    }
  });
  for (let i = 0; i < rows; i += 100_000) fill(i, Math.min(rows, i + 100_000));
  const events = createDeviceEventsService({
    db: database.db,
    clock: () => now,
    log: createLogger('silent', false),
    retentionMs: 90 * DAY,
  });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const deleted = await events.retain();
  const ms = performance.now() - t0;
  h.disable();
  const left = database.sqlite.prepare('SELECT count(*) FROM device_events').pluck().get() as number;
  database.close();
  printFigures({
    bench: 'event-retention',
    rows,
    deleted,
    left,
    passMs: Math.round(ms),
    deletedPerS: Math.round(deleted / (ms / 1000)),
    eventLoopMaxBlockMs: round(h.max / 1e6, 1),
    eventLoopP99Ms: round(h.percentile(99) / 1e6, 1),
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
