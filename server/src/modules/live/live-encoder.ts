/**
 * A long-running ffmpeg whose stdout is a live MP3 stream. The media module's adapter (fluent-ffmpeg)
 * runs file-to-file jobs; a live encoder needs its stdin and stdout as streams with backpressure, so it
 * is spawned directly here, with the same configurable binary (resolveBinaries).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface EncoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines ffmpeg wrote to stderr (warnings and errors only, see live-ffmpeg-args.ts). */
  stderr: string;
}

export interface LiveEncoder {
  readonly stdin: Writable | null;
  /** Resolves once ffmpeg has exited, whatever the reason. */
  readonly exited: Promise<EncoderExit>;
  /** SIGTERM first so ffmpeg flushes its last frame; SIGKILL if it has not gone after `graceMs`. */
  stop(graceMs?: number): Promise<EncoderExit>;
  pid: number | undefined;
}

export function spawnEncoder(
  ffmpegPath: string,
  args: string[],
  onData: (chunk: Buffer) => void,
  opts: { stdin: boolean },
): LiveEncoder {
  const child = spawn(ffmpegPath, args, {
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  const tail: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    tail.push(...s.split('\n').filter(Boolean));
    if (tail.length > 30) tail.splice(0, tail.length - 30);
  });
  child.stdout.on('data', onData);
  // A browser gone mid-write makes stdin emit EPIPE; the exit handler reports the end.
  child.stdin?.on('error', () => {});
  const exited = new Promise<EncoderExit>((resolve) => {
    child.once('error', (err) => resolve({ code: null, signal: null, stderr: String(err) }));
    child.once('close', (code, signal) => resolve({ code, signal, stderr: tail.join('\n') }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    stdin: child.stdin,
    exited,
    pid: child.pid,
    async stop(graceMs = 2000) {
      if (!done) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      return exited;
    },
  };
}
