/**
 * One live mount: an Icecast-compatible HTTP mount point (`GET /live/<id>.mp3`, a continuous
 * audio/mpeg stream) fed by one encoder, served to its listeners through a fan-out.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createFanout, type LeaveReason } from './fanout.js';
import type { IcecastPush } from './icecast-push.js';
import type { MountInfo, MountKind, MountState } from './live.schemas.js';
import { createFrameSplitter } from './mp3-frames.js';

export interface MountLimits {
  burstMs: number;
  /** A listener further behind than this (bytes Node holds for it) is dropped. */
  maxQueueMs: number;
  flushMs: number;
}

export const DEFAULT_LIMITS: MountLimits = { burstMs: 2000, maxQueueMs: 10_000, flushMs: 200 };

export interface MountInit {
  id: string;
  unitId: number;
  title: string;
  kind: MountKind;
  startedBy: string;
  startedAt: number;
  bitrateK: number;
  sampleRate: number;
  limits: MountLimits;
  log: Logger;
  clock: () => number;
}

/** The response head of a mount, as Icecast writes it: no length, no caching, stream metadata. */
export function listenerHead(m: { title: string; bitrateK: number; sampleRate: number; id: string }): string {
  const name = m.title.replace(/[\r\n]+/g, ' ');
  return [
    'HTTP/1.0 200 OK',
    'Content-Type: audio/mpeg',
    'Cache-Control: no-cache, no-store',
    'Pragma: no-cache',
    'Connection: close',
    'Server: Nguon',
    `icy-name: ${name}`,
    'icy-pub: 0',
    `icy-br: ${m.bitrateK}`,
    `ice-audio-info: ice-samplerate=${m.sampleRate};ice-bitrate=${m.bitrateK};ice-channels=1`,
    `X-Nguon-Mount: ${m.id}`,
    '',
    '',
  ].join('\r\n');
}

export function createMount(init: MountInit) {
  const { limits, log } = init;
  let state: MountState = 'starting';
  let endedAt: number | null = null;
  let endReason: string | null = null;
  let bytesIn = 0;
  let icecast: IcecastPush | null = null;
  const onEnd: Array<(reason: string) => void> = [];
  const splitter = createFrameSplitter();
  const fanout = createFanout({
    burstMs: limits.burstMs,
    flushMs: limits.flushMs,
    maxQueueBytes: Math.round((limits.maxQueueMs * init.bitrateK) / 8),
    onLeave: (reason: LeaveReason) => {
      if (reason === 'too_slow') log.info({ mount: init.id }, 'listener dropped: too slow');
    },
  });
  let firstFrame: () => void = () => {};
  const live = new Promise<void>((resolve) => {
    firstFrame = resolve;
  });

  const mount = {
    id: init.id,
    unitId: init.unitId,
    kind: init.kind,
    /** Resolves when the first whole frame has come out of the encoder. */
    live,
    state: () => state,
    /** Encoder output: cut into frames and queued for every listener. */
    feed(chunk: Buffer) {
      if (state === 'ended') return;
      bytesIn += chunk.length;
      const frames = splitter.push(chunk);
      if (frames.length === 0) return;
      if (state === 'starting') {
        state = 'live';
        firstFrame();
      }
      fanout.push(frames);
    },
    /** Hands a socket whose request was for this mount to the fan-out; false when it has ended. */
    addListener(socket: Socket): boolean {
      if (state === 'ended') return false;
      socket.setNoDelay(true);
      socket.write(listenerHead({ ...init }));
      return fanout.add(socket, { counted: true, burst: true });
    },
    attachIcecast(push: IcecastPush) {
      icecast = push;
    },
    /** Adds the Icecast push socket (not counted as a listener). */
    addPushSink: (socket: Socket) => state !== 'ended' && fanout.add(socket, { counted: false, burst: true }),
    onEnd(cb: (reason: string) => void) {
      if (state === 'ended') cb(endReason ?? 'ended');
      else onEnd.push(cb);
    },
    /** Ends the mount: listeners get what is queued, then the end of the stream. Idempotent. */
    end(reason: string) {
      if (state === 'ended') return false;
      fanout.push(splitter.flush());
      state = 'ended';
      endedAt = init.clock();
      endReason = reason;
      icecast?.stop();
      fanout.end();
      firstFrame();
      log.info({ mount: init.id, reason, bytesIn, peak: fanout.stats.peak }, 'live mount ended');
      for (const cb of onEnd.splice(0)) cb(reason);
      return true;
    },
    info(): MountInfo {
      return {
        id: init.id,
        unitId: init.unitId,
        title: init.title,
        kind: init.kind,
        state,
        startedBy: init.startedBy,
        startedAt: new Date(init.startedAt).toISOString(),
        endedAt: endedAt === null ? null : new Date(endedAt).toISOString(),
        endReason,
        path: `/live/${init.id}.mp3`,
        listeners: fanout.listeners(),
        peakListeners: fanout.stats.peak,
        connects: fanout.stats.connects,
        droppedSlow: fanout.stats.dropped,
        bytesIn,
        bytesOut: fanout.stats.bytesOut,
        bitrateK: init.bitrateK,
        sampleRate: init.sampleRate,
        icecast: icecast?.info() ?? null,
      };
    },
  };
  return mount;
}
export type Mount = ReturnType<typeof createMount>;
