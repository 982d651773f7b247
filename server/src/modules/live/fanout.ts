/**
 * One encoder output broadcast to N listeners (issue 7, item 2). Frames are gathered and written every
 * `flushMs` as one shared Buffer, so 5,000 listeners cost 5,000 socket writes per flush, not per frame.
 * A listener joins with a burst of the last `burstMs` of whole frames so its decoder starts at once; one
 * that cannot keep up (its queue above `maxQueueBytes`: the socket refused the bytes and Node holds
 * them) is dropped, and nobody else waits for it.
 */

import type { Frame } from './mp3-frames.js';

/** What a listener is to the fan-out: a net.Socket in practice. */
export interface Sink {
  write(chunk: Buffer): boolean;
  end(): void;
  destroy(err?: Error): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
  once(event: 'close', cb: () => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
}

export type LeaveReason = 'closed' | 'too_slow' | 'ended' | 'error';

export interface FanoutOptions {
  burstMs: number;
  maxQueueBytes: number;
  flushMs: number;
  onLeave?: (reason: LeaveReason, sink: Sink) => void;
}

interface Member {
  /** Counted in `listeners` (the Icecast push is a member, not a listener). */
  counted: boolean;
  bytes: number;
}

export function createFanout(o: FanoutOptions) {
  const members = new Map<Sink, Member>();
  let counted = 0;
  let ring: Frame[] = [];
  let ringMs = 0;
  let batch: Frame[] = [];
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const stats = { connects: 0, dropped: 0, peak: 0, bytesOut: 0 };

  const leave = (sink: Sink, reason: LeaveReason) => {
    const m = members.get(sink);
    // Exactly once per member, whatever mix of close, error and drop reports its end.
    if (!m || !members.delete(sink)) return;
    if (m.counted) counted--;
    if (reason === 'too_slow') stats.dropped++;
    o.onLeave?.(reason, sink);
  };

  const send = (sink: Sink, m: Member, data: Buffer) => {
    if (sink.destroyed) return leave(sink, 'closed');
    sink.write(data);
    m.bytes += data.length;
    stats.bytesOut += data.length;
    if (sink.writableLength > o.maxQueueBytes) {
      leave(sink, 'too_slow');
      sink.destroy();
    }
  };

  const flush = () => {
    timer = null;
    if (batch.length === 0) return;
    const frames = batch;
    batch = [];
    const data = frames.length === 1 ? (frames[0] as Frame).data : Buffer.concat(frames.map((f) => f.data));
    for (const [sink, m] of members) send(sink, m, data);
    for (const f of frames) {
      ring.push(f);
      ringMs += f.durationMs;
    }
    let cut = 0;
    while (ringMs - (ring[cut]?.durationMs ?? 0) >= o.burstMs && cut < ring.length - 1) {
      ringMs -= (ring[cut] as Frame).durationMs;
      cut++;
    }
    if (cut > 0) ring = ring.slice(cut);
  };

  return {
    stats,
    listeners: () => counted,
    /** Queues whole frames; they reach every member within `flushMs`. */
    push(frames: Frame[]) {
      if (ended || frames.length === 0) return;
      batch.push(...frames);
      timer ??= setTimeout(flush, o.flushMs);
    },
    /**
     * Adds a member: the burst first (flushed frames only, so nothing arrives twice), then every flush.
     * The caller has already written any response head.
     */
    add(sink: Sink, opts: { counted: boolean; burst: boolean }) {
      if (ended || sink.destroyed) {
        sink.end();
        return false;
      }
      const m: Member = { counted: opts.counted, bytes: 0 };
      members.set(sink, m);
      if (m.counted) {
        counted++;
        stats.connects++;
        stats.peak = Math.max(stats.peak, counted);
      }
      sink.once('close', () => leave(sink, 'closed'));
      sink.on('error', () => leave(sink, 'error'));
      if (opts.burst && ring.length > 0) send(sink, m, Buffer.concat(ring.map((f) => f.data)));
      return true;
    },
    /** Drops one member now (e.g. the operator kicks it); counted once like any other leave. */
    remove(sink: Sink) {
      leave(sink, 'closed');
      sink.destroy();
    },
    /** Sends what is queued, then ends every member's stream gracefully. */
    end() {
      if (ended) return;
      if (timer) clearTimeout(timer);
      flush();
      ended = true;
      for (const sink of [...members.keys()]) {
        leave(sink, 'ended');
        sink.end();
      }
      ring = [];
    },
    bytesOf: (sink: Sink) => members.get(sink)?.bytes ?? null,
  };
}
export type Fanout = ReturnType<typeof createFanout>;
