import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { type HttpGet, httpGet } from '../media/http-get.js';
import type { Player, PlayHandle, PlayResult } from '../players/player.js';
import { volumeToGain } from '../players/player-args.js';

/** Where the stream's bytes go: a decoder (ALSA) or nowhere (null and simulated players). */
export interface StreamSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Resolves with a failure reason if the decoder died on its own. */
  failed: Promise<string>;
  close(): void;
}

export interface StreamPlayerOptions {
  /** node:http by default (not fetch(): see media/http-get.ts). */
  httpGet?: HttpGet | undefined;
  /** HTTP Basic credentials for a mount of our own server; absent for an external URL. */
  auth?: { username: string; password: string } | undefined;
  /** Called once, when the first audio bytes arrive: the "audio started" instant of a stream. */
  onFirstBytes: () => void;
  sink?: (volume: number) => StreamSink | null;
  /** Connection attempts in a row without data before the stream counts as failed. */
  attempts?: number;
  retryDelayMs?: number;
  /** No response headers, or no data, for this long counts as a failed attempt. */
  stallMs?: number;
}

/** Decodes the stream from stdin to ALSA, the way the ALSA player plays a file. */
export function alsaStreamSink(ffmpegPath: string, alsaDevice: string, volume: number): StreamSink {
  const args = ['-hide_banner', '-v', 'error', '-f', 'mp3', '-i', 'pipe:0'];
  const child = spawn(ffmpegPath, [...args, '-af', `volume=${volumeToGain(volume)}`, '-f', 'alsa', alsaDevice], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-400);
  });
  const stdin = child.stdin as Writable;
  stdin.on('error', () => {});
  const failed = new Promise<string>((resolve) => {
    child.once('exit', (code) => resolve(`decoder exited (${code}): ${stderr.trim()}`.slice(0, 400)));
    child.once('error', (err) => resolve(`decoder did not start: ${err.message}`));
  });
  return {
    write: (chunk) =>
      stdin.write(chunk) ? Promise.resolve() : new Promise((resolve) => stdin.once('drain', () => resolve())),
    failed,
    close: () => {
      stdin.end();
      child.kill('SIGTERM');
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A Player whose "file" is a stream URL: pulls it over HTTP, reconnects a few times when it drops, and
 * fails (so the receiver falls back to its schedule) when the source does not answer. The stream ends
 * `finished` when the source closes it.
 */
export function createStreamPlayer(opts: StreamPlayerOptions): Player {
  const get = opts.httpGet ?? httpGet;
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  const stallMs = opts.stallMs ?? 8000;
  const headers: Record<string, string> = opts.auth
    ? { authorization: `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` }
    : {};
  return {
    play(url, { volume }): PlayHandle {
      const t0 = performance.now();
      const abort = new AbortController();
      let stopped = false;
      let started = false;
      const sink = opts.sink?.(volume) ?? null;

      /** One connection: resolves 'ended' when the source closed the stream, throws on failure. */
      async function pullOnce(): Promise<'ended'> {
        const attempt = new AbortController();
        const onStop = () => attempt.abort();
        abort.signal.addEventListener('abort', onStop);
        let stall = setTimeout(() => attempt.abort(), stallMs);
        try {
          const res = await get(url, { headers, signal: attempt.signal });
          if (res.status !== 200) {
            res.body.resume();
            throw new Error(`HTTP ${res.status}`);
          }
          for await (const value of res.body as AsyncIterable<Buffer>) {
            clearTimeout(stall);
            stall = setTimeout(() => attempt.abort(), stallMs);
            if (!started) {
              started = true;
              opts.onFirstBytes();
            }
            if (sink) await sink.write(value);
          }
          return 'ended';
        } finally {
          clearTimeout(stall);
          abort.signal.removeEventListener('abort', onStop);
        }
      }

      async function run(): Promise<Omit<PlayResult, 'playedMs'>> {
        let failures = 0;
        let last = '';
        while (!stopped) {
          const before = started;
          try {
            await pullOnce();
            return { outcome: 'finished' };
          } catch (err) {
            if (stopped) break;
            last = (err as Error).message;
            // Data came on this connection: a drop, not a dead source; the count starts again.
            failures = started && !before ? 1 : failures + 1;
            if (failures >= attempts) return { outcome: 'failed', reason: `stream failed: ${last}`.slice(0, 400) };
            await sleep(retryDelayMs);
          }
        }
        return { outcome: 'stopped' };
      }

      const done = Promise.race([
        run(),
        sink ? sink.failed.then((reason) => ({ outcome: 'failed' as const, reason })) : new Promise<never>(() => {}),
      ]).then((r) => {
        stopped = true;
        abort.abort();
        sink?.close();
        return { ...r, playedMs: Math.max(0, performance.now() - t0) };
      });
      return {
        done,
        stop() {
          stopped = true;
          abort.abort();
        },
      };
    },
  };
}
