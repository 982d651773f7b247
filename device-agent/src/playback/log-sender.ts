import { randomUUID } from 'node:crypto';
import { encodeForDevice, type Outgoing, type PlaybackLog, PlaybackLogSchema } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { Outbox } from '../outbox/outbox.js';
import type { EnqueueResult } from '../outbox/outbox-store.js';
import type { AgentDb } from '../storage/agent-db.js';

export interface LogSender {
  /** Writes the log to the on-disk outbox (durable once it resolves); the outbox sends it. Never rejects. */
  send(log: PlaybackLog): Promise<void>;
  /**
   * Ends, as `interrupted`, every playback whose `started` log has no ending on disk: the agent died
   * (kill -9, power loss) while it played. Call once at start, before anything plays. Returns how many.
   */
  recoverOpenPlays(keep?: (playId: string) => boolean): number;
  /** The `started` log of a playback with no ending on disk (one the scheduler may resume), or null. */
  openPlay(playId: string): PlaybackLog | null;
  /** Ends one such playback as `interrupted` (cut off by a crash); false if it was not open. */
  closeOpenPlay(playId: string): boolean;
  /** Logs, events and replies on disk not yet acknowledged. */
  pendingCount(): number;
}

export interface LogSenderOptions {
  deviceId: string;
  db: AgentDb;
  outbox: Outbox;
  logger: Logger;
  /** Server time when known (recovery logs are stamped with it). */
  now?: () => number;
}

const ENDINGS = new Set<PlaybackLog['event']>(['finished', 'stopped', 'interrupted', 'failed']);

/**
 * The single door every playback log goes through (issue 5: nothing lost). Each log is written to the
 * outbox in the same transaction that records or clears its playback in `open_plays`, so after a crash
 * the agent knows exactly which playbacks were cut off and logs each one's ending once.
 */
export function createLogSender(opts: LogSenderOptions): LogSender {
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  const openPlay = opts.db.prepare('INSERT OR REPLACE INTO open_plays (play_id, started_log) VALUES (?, ?)');
  const closePlay = opts.db.prepare('DELETE FROM open_plays WHERE play_id = ?');
  const openPlays = opts.db.prepare<[], { play_id: string; started_log: string }>(
    'SELECT play_id, started_log FROM open_plays',
  );
  const openOne = opts.db.prepare<[string], { started_log: string }>(
    'SELECT started_log FROM open_plays WHERE play_id = ?',
  );

  const write = opts.db.transaction((entry: PlaybackLog, out: Outgoing): EnqueueResult => {
    const result = opts.outbox.enqueue(entry.id, 'log', out);
    if (entry.event === 'started') openPlay.run(entry.playId, JSON.stringify(entry));
    else if (ENDINGS.has(entry.event)) closePlay.run(entry.playId);
    return result;
  });

  function store(entry: PlaybackLog): void {
    let out: Outgoing;
    try {
      out = encodeForDevice('playbackLog', opts.deviceId, entry);
    } catch (err) {
      // Our own bug (a field out of contract): report it, do not crash the player.
      log.error({ err, log: entry }, 'playback log does not match the contract, dropped');
      return;
    }
    try {
      write(entry, out);
    } catch (err) {
      log.error({ err, logId: entry.id }, 'playback log could not be written to the outbox');
    }
  }

  function parseStarted(startedJson: string): PlaybackLog | null {
    try {
      const started = PlaybackLogSchema.safeParse(JSON.parse(startedJson));
      return started.success ? started.data : null;
    } catch {
      return null;
    }
  }

  function interruptedBy(startedJson: string): PlaybackLog | null {
    const s = parseStarted(startedJson);
    if (!s) return null;
    return {
      v: 1,
      id: randomUUID(),
      ts: now(),
      playId: s.playId,
      ...(s.commandId !== undefined ? { commandId: s.commandId } : {}),
      sha256: s.sha256,
      event: 'interrupted',
      ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
      ...(s.volume !== undefined ? { volume: s.volume } : {}),
      // When it really stopped is unknown: no endedAt rather than a made-up one.
      reason: 'agent stopped abruptly during playback (crash, kill or power loss)',
    };
  }

  return {
    async send(entry) {
      store(entry);
    },
    recoverOpenPlays(keep) {
      let n = 0;
      for (const row of openPlays.all()) {
        // A scheduled item the scheduler will resume: its ending comes when it really ends.
        if (keep?.(row.play_id)) continue;
        const ending = interruptedBy(row.started_log);
        if (ending) {
          store(ending);
          n += 1;
        } else closePlay.run(row.play_id);
      }
      if (n > 0) log.warn({ count: n }, 'logged playbacks cut off by the last shutdown as interrupted');
      return n;
    },
    openPlay(playId) {
      const row = openOne.get(playId);
      return row ? parseStarted(row.started_log) : null;
    },
    closeOpenPlay(playId) {
      const row = openOne.get(playId);
      if (!row) return false;
      const ending = interruptedBy(row.started_log);
      if (ending) store(ending);
      else closePlay.run(playId);
      return true;
    },
    pendingCount: () => opts.outbox.pending(),
  };
}
