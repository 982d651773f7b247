/**
 * Pure builders of the ffmpeg argument lists for live sources (house style: arguments built by tested
 * code, the process run apart, in live-encoder.ts). Every source is re-encoded to the broadcast profile
 * (MP3 mono, e.g. 64 kb/s at 22.05 kHz) on stdout, so a mount always carries one format.
 */

export interface LiveProfile {
  bitrateK: number;
  sampleRate: number;
}

const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'level+warning', '-threads', '1'];

/**
 * MP3 on stdout with no ID3 tag and no Xing frame (a stream has neither length nor seek table), flushed
 * packet by packet: without `-flush_packets 1` ffmpeg holds 32 KiB, four seconds at 64 kb/s.
 */
export function mp3Output(p: LiveProfile): string[] {
  return [
    ['-map', '0:a:0', '-vn', '-sn', '-dn'],
    ['-ac', '1', '-ar', String(p.sampleRate)],
    ['-c:a', 'libmp3lame', '-b:a', `${p.bitrateK}k`],
    ['-write_xing', '0', '-id3v2_version', '0', '-flush_packets', '1'],
    ['-f', 'mp3', 'pipe:1'],
  ].flat();
}

/** The operator's browser: MediaRecorder chunks (WebM/Opus, or Ogg) written to stdin as they come. */
export function micArgs(p: LiveProfile): string[] {
  // Small probe sizes: the first chunk carries the header, and waiting for 5 MB of a live mic would be
  // seconds of silence before the mount starts.
  return [...COMMON, '-probesize', '32768', '-analyzeduration', '0', '-i', 'pipe:0', ...mp3Output(p)];
}

/**
 * An external stream. `-reconnect*` ride out a dropped connection to the station; `-rw_timeout` makes a
 * URL that accepts the connection but sends nothing fail instead of hanging (microseconds).
 */
export function relayArgs(url: string, p: LiveProfile, o: { ioTimeoutMs: number }): string[] {
  return [
    ...COMMON,
    ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '5'],
    ['-rw_timeout', String(o.ioTimeoutMs * 1000)],
    ['-user_agent', 'Nguon-live/1'],
    ['-i', url],
    mp3Output(p),
  ].flat();
}

/** A stored file played in real time (`-re`), `plays` times in all. */
export function fileArgs(path: string, p: LiveProfile, o: { plays: number }): string[] {
  return [...COMMON, '-re', '-stream_loop', String(o.plays - 1), '-i', path, ...mp3Output(p)];
}
