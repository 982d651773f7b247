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

/** Decodes at real-time pace (`-re`) and discards the output: a silent stand-in with true timing. */
export function nullPlayerArgs(file: string): string[] {
  return [...COMMON, '-re', '-i', file, '-f', 'null', '-'];
}

/** Decodes to an ALSA device; no `-re` because the sound card itself paces the output. */
export function alsaPlayerArgs(file: string, opts: { volume: number; alsaDevice: string }): string[] {
  return [...COMMON, '-i', file, '-af', `volume=${volumeToGain(opts.volume)}`, '-f', 'alsa', opts.alsaDevice];
}
