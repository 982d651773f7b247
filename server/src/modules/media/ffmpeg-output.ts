/**
 * Pure parsers of ffmpeg's stderr as produced with `-loglevel level+info` (see ffmpeg-args.ts).
 * Tested against captured output of the bundled ffmpeg build.
 */

const TIME = /time=\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

/** Media time reached, from one progress line (`size=… time=00:01:02.50 …`), in ms. */
export function progressMs(line: string): number | null {
  const m = TIME.exec(line);
  if (!m) return null;
  if (m[1] === '-') return 0;
  return Math.round((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}

/** The decoded duration: the time of the final progress line. */
export function decodedMs(stderr: string): number | null {
  let last: number | null = null;
  for (const line of stderr.split(/\r\n|\r|\n/)) {
    const ms = progressMs(line);
    if (ms !== null) last = ms;
  }
  return last;
}

/** Lines ffmpeg logged at error severity or worse (decoder and demuxer complaints). */
export function errorLines(stderr: string): string[] {
  return stderr.split(/\r\n|\r|\n/).filter((l) => /(^|\] )\[(error|fatal|panic)\] /.test(l));
}

/**
 * True when the demuxer guessed the duration from the bitrate (VBR MP3 without a Xing header), so a
 * mismatch with the decoded duration says nothing about truncation.
 */
export function durationWasEstimated(stderr: string): boolean {
  return stderr.includes('Estimating duration from bitrate');
}
