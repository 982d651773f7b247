import type { PlaybackLog, PlaylistItem } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { PlaybackService } from '../playback/playback.service.js';
import type { PlayPart } from '../players/play-sequence.js';

export interface ScheduledStart {
  item: PlaylistItem;
  parts: PlayPart[];
  /** How far into the item to start; 0 on time. */
  offsetMs: number;
  /** The `started` log a crash left open: the playback continues it rather than logging a second one. */
  resumeOf: PlaybackLog | null;
  volume: number;
  /** Why it went off the air before (`interrupted by …`): it comes back where the programme has got to. */
  after?: string;
}

/**
 * After an on-time start, the `started` log (an fsync) waits a moment: receivers that share a CPU (the
 * fleet simulator) all start at the same instant, and hundreds of fsyncs in that instant would delay the
 * starts that come after them. Nothing is at risk meanwhile: the journal entry, written before the
 * start, already keeps a crash from replaying the item, and a resume logs `started` if it is missing.
 */
const STARTED_LOG_DELAY_MS = 300;
const STEP_MS = 100;

/** Why it starts where it does; null on time. Only built off the on-time path (see startScheduled). */
function noteFor(s: ScheduledStart): string | undefined {
  const at = `${(s.offsetMs / 1000).toFixed(1)} s into the item`;
  if (s.resumeOf) return `resumed at ${at} after the agent restarted`;
  if (s.after) return `back on air at ${at} after it was ${s.after}`;
  return s.offsetMs > 0 ? `joined at ${at}` : undefined;
}

/**
 * Starts a scheduled item through the playback service, logged under its occurrence key. The on-time
 * start is the path a thousand simulated receivers take in the same millisecond: it builds no strings
 * and only what the player needs; the rest waits until the start has happened.
 */
export function startScheduled(
  playback: PlaybackService,
  s: ScheduledStart,
  opts: { random: () => number; log: Logger; onEnded: (entry: PlaybackLog) => void },
): void {
  const { item, offsetMs } = s;
  const onTime = s.resumeOf === null && s.after === undefined && offsetMs <= 0;
  const note = onTime ? undefined : noteFor(s);
  try {
    playback.play({
      playId: item.key,
      sha256: item.media[0]!.sha256,
      file: s.parts[0]!.file,
      parts: s.parts,
      volume: s.volume,
      priority: item.priority,
      scheduled: true,
      offsetMs,
      ...(s.resumeOf ? { resumeOf: { startedAt: s.resumeOf.startedAt ?? item.startAt } } : {}),
      ...(note !== undefined ? { note } : {}),
      // A few fixed steps rather than any value: timers of equal duration share one list in Node.
      ...(onTime ? { startedLogDelayMs: STARTED_LOG_DELAY_MS + Math.floor(opts.random() * 8) * STEP_MS } : {}),
      onEnded: opts.onEnded,
    });
  } catch (err) {
    // After stopAll (the agent is stopping: the next start resumes it from the journal), or refused.
    opts.log.warn({ err, key: item.key }, 'scheduled item not started');
    return;
  }
  if (opts.log.isLevelEnabled('info')) {
    const how = onTime ? 'on time' : s.resumeOf ? 'resumed' : s.after ? 'back on air' : 'joined late';
    opts.log.info({ key: item.key, offsetMs: Math.round(offsetMs), how }, 'scheduled item started');
  }
}
