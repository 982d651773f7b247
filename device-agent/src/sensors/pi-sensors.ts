import type { PowerState } from '@nguon/schemas';
import type { HookRunner } from '../hardware/hook-runner.js';

export interface ModemReading {
  signalQualityPct: number | null;
  accessTech: string | null;
}

/**
 * Decodes `vcgencmd get_throttled` ("throttled=0x50005"). Bits (Raspberry Pi firmware documentation):
 * 0 under-voltage now, 2 throttled now, 16 under-voltage has occurred, 18 throttling has occurred.
 */
export function decodeThrottled(output: string): PowerState | null {
  const m = /throttled=(0x[0-9a-fA-F]+|\d+)/.exec(output);
  if (!m?.[1]) return null;
  const bits = Number(m[1]);
  if (!Number.isSafeInteger(bits) || bits < 0) return null;
  const bit = (n: number) => (bits & (1 << n)) !== 0;
  return { underVoltage: bit(0), underVoltageEver: bit(16), throttled: bit(2), throttledEver: bit(18) };
}

const record = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Reads ModemManager's `mmcli -m 0 -J`: `modem.generic["signal-quality"].value` (a percentage, as a
 * string) and `modem.generic["access-technologies"]` (e.g. ["lte"]). Anything unexpected is null.
 */
export function parseMmcli(output: string): ModemReading | null {
  let json: unknown;
  try {
    json = JSON.parse(output);
  } catch {
    return null;
  }
  const generic = record(record(record(json)?.modem)?.generic);
  if (!generic) return null;
  const quality = Number(record(generic['signal-quality'])?.value);
  const techs = generic['access-technologies'];
  const tech = Array.isArray(techs) && typeof techs[0] === 'string' ? techs[0].slice(0, 40) : null;
  return {
    signalQualityPct: Number.isFinite(quality) && quality >= 0 && quality <= 100 ? quality : null,
    accessTech: tech && tech !== '--' ? tech : null,
  };
}

export interface SensorCommands {
  /** null disables the reading. */
  throttledCommand: string | null;
  modemCommand: string | null;
}

export interface SensorReader {
  power(): Promise<PowerState | null>;
  modem(): Promise<ModemReading | null>;
}

/** After a command is missing, ask again only this much later (vcgencmd does not appear on a PC). */
const NOT_FOUND_RETRY_MS = 60 * 60_000;
/** After another failure (no modem plugged in), retry sooner. */
const FAILED_RETRY_MS = 5 * 60_000;

/**
 * Runs the sensor commands through the hook runner. A receiver without a given sensor reports null and
 * stops spawning the missing command on every heartbeat.
 */
export function createSensorReader(opts: {
  commands: SensorCommands;
  runner: HookRunner;
  now?: () => number;
  timeoutMs?: number;
}): SensorReader {
  const now = opts.now ?? Date.now;
  const skipUntil = new Map<string, number>();

  async function read<T>(command: string | null, parse: (out: string) => T | null): Promise<T | null> {
    if (!command || (skipUntil.get(command) ?? 0) > now()) return null;
    const r = await opts.runner.run(command, { timeoutMs: opts.timeoutMs ?? 5_000 });
    if (!r.ok) {
      skipUntil.set(command, now() + (r.notFound ? NOT_FOUND_RETRY_MS : FAILED_RETRY_MS));
      return null;
    }
    skipUntil.delete(command);
    return parse(r.stdout);
  }

  return {
    power: () => read(opts.commands.throttledCommand, decodeThrottled),
    modem: () => read(opts.commands.modemCommand, parseMmcli),
  };
}
