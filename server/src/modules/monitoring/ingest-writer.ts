import type { PlaybackLog } from '@nguon/protocols';
import type { Health } from '@nguon/schemas';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { MonitoringConfig } from './monitoring.config.js';

export interface StatusRow {
  deviceId: string;
  online: boolean;
  session: string | null;
  changedAt: number;
  lastSeenAt: number;
  agentVersion: string | null;
  health: Health | null;
}
export interface TransitionRow {
  deviceId: string;
  state: 'online' | 'offline';
  at: number;
  reason: 'will' | 'timeout' | 'connect' | 'server-restart';
  session: string | null;
}

const b = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 1 : 0);

/**
 * The write-behind queue of ingest (issue 8): heartbeats, status, transitions and playback logs are
 * written in one transaction with prepared statements every `flushMs` or `batch` rows. Bounded: past
 * `queueMax` telemetry (heartbeat samples) is dropped and counted; transitions and playback logs are
 * never dropped — a full queue is flushed at once instead. Status rows are coalesced per receiver.
 */
export function createIngestWriter(deps: {
  sqlite: Database.Database;
  config: MonitoringConfig['ingest'];
  log: Logger;
  /** Stores one playback log (inside the flush transaction); e.g. the playback-log service's ingest. */
  storeLog: (deviceId: string, log: PlaybackLog) => void;
}) {
  const { sqlite, config, log } = deps;
  const insSample = sqlite.prepare(
    `INSERT INTO health_samples (device_id, at, cpu_temp_c, disk_used_pct, mem_used_pct, signal_dbm, load1, volume,
       muted, link_type, amplifier_on, speaker_line_ok, amplifier_fault) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const upStatus = sqlite.prepare(
    `INSERT INTO device_status (device_id, online, session, changed_at, last_seen_at, agent_version, health)
     VALUES (?,?,?,?,?,?,?) ON CONFLICT(device_id) DO UPDATE SET online = excluded.online, session = excluded.session,
       changed_at = excluded.changed_at, last_seen_at = excluded.last_seen_at,
       agent_version = coalesce(excluded.agent_version, device_status.agent_version),
       health = coalesce(excluded.health, device_status.health)`,
  );
  const insTransition = sqlite.prepare(
    'INSERT INTO device_presence_transitions (device_id, state, at, reason, session) VALUES (?,?,?,?,?)',
  );

  let samples: Array<{ deviceId: string; at: number; h: Health }> = [];
  let logs: Array<{ deviceId: string; log: PlaybackLog }> = [];
  let transitions: TransitionRow[] = [];
  let statuses = new Map<string, StatusRow>();
  const stats = {
    samplesWritten: 0,
    samplesDropped: 0,
    logsWritten: 0,
    transitionsWritten: 0,
    flushes: 0,
    lastFlushMs: 0,
  };
  let soon: NodeJS.Immediate | null = null;
  let dropWarnedAt = 0;

  const writeAll = sqlite.transaction(
    (s: typeof samples, l: typeof logs, t: typeof transitions, st: Iterable<StatusRow>) => {
      for (const x of s) {
        const h = x.h;
        insSample.run(
          x.deviceId,
          x.at,
          h.cpuTempC,
          h.diskUsedPct,
          h.memUsedPct,
          h.link.signalDbm,
          h.load1,
          h.volume,
          b(h.muted),
          h.link.type,
          b(h.amplifierOn),
          b(h.speakerLineOk),
          b(h.amplifierFault),
        );
      }
      for (const r of t) insTransition.run(r.deviceId, r.state, r.at, r.reason, r.session);
      for (const r of st)
        upStatus.run(
          r.deviceId,
          b(r.online),
          r.session,
          r.changedAt,
          r.lastSeenAt,
          r.agentVersion,
          r.health ? JSON.stringify(r.health) : null,
        );
      for (const x of l) deps.storeLog(x.deviceId, x.log);
    },
  );

  function flush(): void {
    if (soon) {
      clearImmediate(soon);
      soon = null;
    }
    if (samples.length + logs.length + transitions.length + statuses.size === 0) return;
    const [s, l, t, st] = [samples, logs, transitions, statuses];
    samples = [];
    logs = [];
    transitions = [];
    statuses = new Map();
    const t0 = performance.now();
    try {
      writeAll(s, l, t, st.values());
      stats.samplesWritten += s.length;
      stats.logsWritten += l.length;
      stats.transitionsWritten += t.length;
    } catch (err) {
      // A failed batch keeps what must not be lost (transitions, logs) for the next flush.
      log.error({ err, samples: s.length, logs: l.length }, 'ingest batch failed');
      logs = l.concat(logs);
      transitions = t.concat(transitions);
    }
    stats.flushes++;
    stats.lastFlushMs = performance.now() - t0;
  }

  const pending = () => samples.length + logs.length + transitions.length;
  let closed = false;
  const maybeFlushSoon = () => {
    // After close (the server is stopping; MQTT may still deliver), write at once rather than queue.
    if (closed) flush();
    else if (!soon && pending() >= config.batch) soon = setImmediate(flush);
  };
  const timer = setInterval(flush, config.flushMs);
  timer.unref();

  return {
    /** False when the queue is full and the sample was dropped (counted). */
    sample(deviceId: string, at: number, h: Health): boolean {
      if (pending() >= config.queueMax) {
        stats.samplesDropped++;
        if (at - dropWarnedAt > 60_000) {
          dropWarnedAt = at;
          log.warn(
            { dropped: stats.samplesDropped, queueMax: config.queueMax },
            'ingest queue full: heartbeats dropped',
          );
        }
        return false;
      }
      samples.push({ deviceId, at, h });
      maybeFlushSoon();
      return true;
    },
    status(row: StatusRow): void {
      statuses.set(row.deviceId, row);
      if (closed) flush();
    },
    transition(row: TransitionRow): void {
      transitions.push(row);
      if (pending() >= config.queueMax) flush();
      else maybeFlushSoon();
    },
    playbackLog(deviceId: string, l: PlaybackLog): void {
      logs.push({ deviceId, log: l });
      if (pending() >= config.queueMax) flush();
      else maybeFlushSoon();
    },
    flush,
    stats: () => ({ ...stats, queued: pending() }),
    close(): void {
      closed = true;
      clearInterval(timer);
      flush();
    },
  };
}
export type IngestWriter = ReturnType<typeof createIngestWriter>;
