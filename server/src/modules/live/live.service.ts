/**
 * The registry of live mounts and their sources (issue 7, item 1): the operator's microphone (WebM/Opus
 * over a WebSocket), a relayed station (http/https URL) and a stored file played in real time. Each
 * source is one ffmpeg re-encoding to the broadcast profile into its mount. Relay and file mounts are
 * also kept in the database (`store`) and started again, under the same id and URL, after a restart
 * (issue 7: an emergency airing such a mount keeps a valid URL); a microphone mount ends with its server.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, notFound } from '../../errors.js';
import { startIcecastPush } from './icecast-push.js';
import type { MountInfo, MountKind } from './live.schemas.js';
import { type LiveEncoder, spawnEncoder } from './live-encoder.js';
import { fileArgs, type LiveProfile, micArgs, relayArgs } from './live-ffmpeg-args.js';
import { createMount, DEFAULT_LIMITS, type Mount, type MountLimits } from './live-mount.js';
import { keepMount, type LiveMountStore, type SavedMount } from './live-mounts.store.js';

export interface IcecastConfig {
  /** http://source:<password>@host:port */
  url: string;
  /** Where receivers pull pushed mounts (an Icecast server or its relay), without credentials. */
  publicUrl: string;
}

export interface LiveDeps {
  ffmpegPath: string;
  profile: LiveProfile;
  limits?: Partial<MountLimits>;
  /** The stored MP3 of a processed media file, or undefined. */
  mediaPath(sha256: string): Promise<string | undefined>;
  icecast?: IcecastConfig | undefined;
  /** This server's base URL as receivers reach it. */
  publicUrl(): string;
  clock: () => number;
  log: Logger;
  /** A relay or file must produce its first frame within this, or the start fails. */
  startTimeoutMs?: number;
  /** A mic mount whose browser has not connected within this ends as no_source. */
  micConnectTimeoutMs?: number;
  /** Ended mounts kept for the API (most recent first out). */
  retainEnded?: number;
  /** Where relay and file mounts are kept across restarts; absent: in memory only. */
  store?: LiveMountStore | undefined;
  /** Tries to start a saved mount again after a restart before giving it up (default 3, 5 s apart). */
  restoreAttempts?: number;
}

export type StartInput = { unitId: number; title: string; icecast?: boolean | null | undefined } & (
  | { kind: 'mic' }
  | { kind: 'relay'; url: string }
  | { kind: 'file'; sha256: string; plays?: number | null | undefined }
);

/** What the WebSocket route hands over: just enough of a `ws` WebSocket. */
export interface MicSocket {
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'close', cb: (code: number) => void): unknown;
  close(code?: number, reason?: string): void;
}

/** Bytes of browser audio waiting for ffmpeg before the source is judged broken (≈ minutes of Opus). */
const MAX_MIC_BACKLOG = 2 * 1024 * 1024;
const RESTORE_RETRY_MS = 5_000;

export function createLiveService(deps: LiveDeps) {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const mounts = new Map<string, { mount: Mount; encoder: LiveEncoder | null }>();
  const log = deps.log;
  let closed = false;

  const prune = () => {
    const ended = [...mounts.values()].filter((e) => e.mount.state() === 'ended');
    for (const e of ended.slice(0, Math.max(0, ended.length - (deps.retainEnded ?? 100)))) mounts.delete(e.mount.id);
  };

  function register(
    kind: MountKind,
    input: StartInput,
    actorLabel: string,
    saved?: Pick<SavedMount, 'id' | 'startedAt'>,
  ) {
    const wantsIcecast = input.icecast ?? deps.icecast !== undefined;
    if (wantsIcecast && !deps.icecast)
      throw new AppError('bad_request', 'no Icecast server is configured (NGUON_ICECAST_URL)');
    const id = saved?.id ?? randomBytes(6).toString('base64url');
    const mount = createMount({
      id,
      unitId: input.unitId,
      title: input.title,
      kind,
      startedBy: actorLabel,
      startedAt: saved?.startedAt ?? deps.clock(),
      bitrateK: deps.profile.bitrateK,
      sampleRate: deps.profile.sampleRate,
      limits,
      log,
      clock: deps.clock,
    });
    const entry: { mount: Mount; encoder: LiveEncoder | null } = { mount, encoder: null };
    mounts.set(id, entry);
    mount.onEnd(() => {
      void entry.encoder?.stop();
      prune();
    });
    if (wantsIcecast && deps.icecast) {
      const push = startIcecastPush({
        target: { url: deps.icecast.url, mount: `/${id}.mp3` },
        name: input.title,
        bitrateK: deps.profile.bitrateK,
        sampleRate: deps.profile.sampleRate,
        attach: (sink) => mount.addPushSink(sink as never),
        log,
      });
      mount.attachIcecast(push);
    }
    log.info({ mount: id, kind, unitId: input.unitId, by: actorLabel }, 'live mount started');
    return entry;
  }

  /** Runs ffmpeg into the mount and waits for its first frame; on failure nothing is left running. */
  async function runSource(entry: { mount: Mount; encoder: LiveEncoder | null }, args: string[], what: string) {
    const { mount } = entry;
    const encoder = spawnEncoder(deps.ffmpegPath, args, (c) => mount.feed(c), { stdin: false });
    entry.encoder = encoder;
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = deps.startTimeoutMs ?? 15_000;
    const outcome = await Promise.race([
      mount.live.then(() => 'live' as const),
      encoder.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'live' || mount.state() !== 'live') {
      const exit = await encoder.stop();
      mount.end('source_error');
      mounts.delete(mount.id);
      const last = exit.stderr.split('\n').filter(Boolean).pop() ?? '';
      const why = outcome === 'timeout' ? `no audio within ${timeoutMs / 1000} s` : last || 'ffmpeg failed';
      log.warn({ mount: mount.id, why, stderr: exit.stderr }, 'live source failed to start');
      throw new AppError('unprocessable', `${what} gave no audio: ${why}`);
    }
    void encoder.exited.then((exit) => {
      const reason = exit.code === 0 ? 'finished' : 'source_lost';
      if (reason === 'source_lost' && mount.state() !== 'ended')
        log.warn({ mount: mount.id, stderr: exit.stderr }, 'live source stopped');
      mount.end(reason);
    });
  }

  async function startMount(
    input: StartInput,
    actorLabel: string,
    saved?: Pick<SavedMount, 'id' | 'startedAt'>,
  ): Promise<MountInfo> {
    const profile = deps.profile;
    let args: string[] | null = null;
    let what = '';
    if (input.kind === 'relay') {
      args = relayArgs(input.url, profile, { ioTimeoutMs: 10_000 });
      what = `the stream ${input.url}`;
    } else if (input.kind === 'file') {
      const path = await deps.mediaPath(input.sha256);
      if (!path) throw notFound(`media ${input.sha256}`);
      args = fileArgs(path, profile, { plays: input.plays ?? 1 });
      what = `the file ${input.sha256.slice(0, 12)}`;
    }
    const entry = register(input.kind, input, actorLabel, saved);
    if (args) {
      await runSource(entry, args, what);
      if (deps.store) keepMount(deps.store, entry.mount, input, actorLabel, deps.clock);
    } else {
      const t = setTimeout(() => {
        if (!entry.encoder) entry.mount.end('no_source');
      }, deps.micConnectTimeoutMs ?? 30_000);
      entry.mount.onEnd(() => clearTimeout(t));
    }
    return entry.mount.info();
  }

  /**
   * One saved mount, in the background of a start: a station that is briefly away as the server comes back
   * gets a few tries before the mount is given up (`restore_failed`).
   */
  async function restoreOne(store: LiveMountStore, m: SavedMount): Promise<void> {
    const input: StartInput =
      m.kind === 'relay'
        ? { kind: 'relay', url: m.url, unitId: m.unitId, title: m.title, icecast: m.icecast }
        : { kind: 'file', sha256: m.sha256, plays: m.plays, unitId: m.unitId, title: m.title, icecast: m.icecast };
    const attempts = deps.restoreAttempts ?? 3;
    for (let attempt = 1; !closed && !mounts.has(m.id); attempt++) {
      try {
        await startMount(input, m.startedBy, m);
        // The server began shutting down while this source was starting: end it like the others.
        const e = mounts.get(m.id);
        if (closed && e) {
          e.mount.end('server_shutdown');
          await e.encoder?.stop();
        } else log.info({ mount: m.id, kind: m.kind }, 'live mount restored after restart');
        return;
      } catch (err) {
        if (attempt >= attempts || closed) {
          if (!closed) store.ended(m.id, deps.clock(), 'restore_failed');
          log.warn({ err, mount: m.id, kind: m.kind }, 'live mount could not be restored');
          return;
        }
        await new Promise((r) => setTimeout(r, RESTORE_RETRY_MS).unref());
      }
    }
  }

  function entryOf(id: string) {
    const e = mounts.get(id);
    if (!e) throw notFound(`live mount ${id}`);
    return e;
  }

  return {
    start: (input: StartInput, actor: { label: string }): Promise<MountInfo> => startMount(input, actor.label),

    /** Starts again the relay and file mounts that were running when the server stopped (same id, same URL). */
    async restore(): Promise<void> {
      const store = deps.store;
      if (store) await Promise.all(store.running().map((m) => restoreOne(store, m)));
    },

    /** The browser's microphone for a mic mount: each binary message is a MediaRecorder chunk. */
    attachMic(id: string, ws: MicSocket) {
      const entry = entryOf(id);
      const { mount } = entry;
      if (mount.kind !== 'mic') throw new AppError('conflict', 'this mount is not fed by a microphone');
      if (mount.state() === 'ended' || entry.encoder) throw new AppError('conflict', 'this mount already has a source');
      const encoder = spawnEncoder(deps.ffmpegPath, micArgs(deps.profile), (c) => mount.feed(c), { stdin: true });
      entry.encoder = encoder;
      let closeCode: number | null = null;
      ws.on('message', (data, isBinary) => {
        if (!isBinary || !encoder.stdin || encoder.stdin.writableEnded) return;
        encoder.stdin.write(data);
        if (encoder.stdin.writableLength > MAX_MIC_BACKLOG) {
          log.warn({ mount: id }, 'microphone source: encoder cannot keep up');
          ws.close(1011, 'encoder overloaded');
        }
      });
      ws.on('close', (code) => {
        closeCode = code;
        encoder.stdin?.end(); // ffmpeg encodes what it has, then exits
      });
      void encoder.exited.then((exit) => {
        // 1000: the operator ended the announcement; anything else: the browser or its network went away.
        const reason = closeCode === 1000 ? 'stopped' : closeCode === null ? 'source_error' : 'source_lost';
        if (reason !== 'stopped' && mount.state() !== 'ended')
          log.warn({ mount: id, closeCode, stderr: exit.stderr }, 'microphone source ended abnormally');
        if (closeCode === null) ws.close(1011, 'encoder stopped');
        mount.end(reason);
      });
      mount.onEnd(() => {
        if (closeCode === null) ws.close(1000, 'mount ended');
      });
    },

    stop(id: string, reason = 'stopped'): MountInfo {
      const { mount } = entryOf(id);
      mount.end(reason);
      return mount.info();
    },
    get: (id: string): MountInfo | undefined => mounts.get(id)?.mount.info(),
    unitOf: (id: string): number => entryOf(id).mount.unitId,
    list: (visible: (unitId: number) => boolean): MountInfo[] =>
      [...mounts.values()].filter((e) => visible(e.mount.unitId)).map((e) => e.mount.info()),
    /** The running mount itself, for the listener route. */
    mount: (id: string): Mount | undefined => mounts.get(id)?.mount,
    /** Is the mount on air (its first frame out, not ended)? */
    isLive: (id: string) => mounts.get(id)?.mount.state() === 'live',
    /**
     * The absolute URL receivers pull for a mount. `via: 'icecast'` (or 'auto' when the mount is being
     * pushed to Icecast) gives the Icecast server's URL of the same mount.
     */
    streamUrl(id: string, via: 'server' | 'icecast' | 'auto' = 'server'): string {
      const info = entryOf(id).mount.info();
      const pushed = info.icecast !== null && deps.icecast;
      if (via === 'icecast' && !pushed) throw new AppError('conflict', `mount ${id} is not pushed to Icecast`);
      if (pushed && (via === 'icecast' || (via === 'auto' && info.icecast?.state === 'pushing')))
        return `${deps.icecast?.publicUrl.replace(/\/$/, '')}/${id}.mp3`;
      return `${deps.publicUrl()}${info.path}`;
    },
    onEnd: (id: string, cb: (reason: string) => void) => entryOf(id).mount.onEnd(cb),
    async close() {
      closed = true;
      const running = [...mounts.values()];
      for (const e of running) e.mount.end('server_shutdown');
      await Promise.all(running.map((e) => e.encoder?.stop()));
    },
  };
}
export type LiveService = ReturnType<typeof createLiveService>;
