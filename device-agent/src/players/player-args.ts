/**
 * ffmpeg arguments for the players, built by pure code (house style: the arguments are unit-tested,
 * the process wrapper is kept apart).
 */

const COMMON = ['-hide_banner', '-nostdin', '-v', 'error'] as const;

/** Volume 0–100 as ffmpeg's linear gain factor ("0.75"). Out-of-range input is clamped, never amplified. */
export function volumeToGain(volume: number): string {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(volume) ? volume : 0));
  return (clamped / 100).toFixed(2);
}

/**
 * `-ss` as an input option (before `-i`): ffmpeg seeks in the file instead of decoding and discarding
 * everything before the offset, so joining late starts at once, even far into a long bulletin.
 */
function seek(offsetMs: number | undefined): string[] {
  if (offsetMs === undefined || !(offsetMs > 0)) return [];
  return ['-ss', (offsetMs / 1000).toFixed(3)];
}

/** Decodes at real-time pace (`-re`) and discards the output: a silent stand-in with true timing. */
export function nullPlayerArgs(file: string, opts: { offsetMs?: number } = {}): string[] {
  return [...COMMON, ...seek(opts.offsetMs), '-re', '-i', file, '-f', 'null', '-'];
}

/** Decodes to an ALSA device; no `-re` because the sound card itself paces the output. */
export function alsaPlayerArgs(
  file: string,
  opts: { volume: number; alsaDevice: string; offsetMs?: number },
): string[] {
  const gain = `volume=${volumeToGain(opts.volume)}`;
  return [...COMMON, ...seek(opts.offsetMs), '-i', file, '-af', gain, '-f', 'alsa', opts.alsaDevice];
}
