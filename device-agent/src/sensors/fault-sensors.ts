import { readFile } from 'node:fs/promises';
import type { HookRunner } from '../hardware/hook-runner.js';

/** What a fault sensor says: the hardware is fine, it reports a fault, or there is no reading. */
export type FaultState = 'ok' | 'fault' | 'unknown';

/**
 * Where one fault line is read (issue 8: speaker line and amplifier state): a shell command's output
 * or a file (a sysfs GPIO `value`, a file a vendor daemon keeps up to date). `invert` swaps ok and
 * fault for an active-low line (a GPIO that reads 1 while the hardware is fine).
 */
export type FaultSource = ({ command: string } | { path: string }) & { invert?: boolean | undefined };

const OK = new Set(['ok', '0', 'good', 'normal', 'false']);
const FAULT = new Set(['fault', '1', 'error', 'fail', 'failed', 'true']);

/** The first word of a reading, case-insensitive: `ok`/`0` ok, `fault`/`1` fault, anything else unknown. */
export function parseFaultReading(text: string, invert = false): FaultState {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const state: FaultState = OK.has(word) ? 'ok' : FAULT.has(word) ? 'fault' : 'unknown';
  if (!invert || state === 'unknown') return state;
  return state === 'ok' ? 'fault' : 'ok';
}

export interface FaultReadings {
  speaker: FaultState;
  amplifier: FaultState;
}

export interface FaultSensors {
  /** Only the sensors configured; never rejects: a missing or failing sensor is `unknown`. */
  read(): Promise<Partial<FaultReadings>>;
}

export function createFaultSensors(opts: {
  speaker?: FaultSource | null | undefined;
  amplifier?: FaultSource | null | undefined;
  runner: HookRunner;
  timeoutMs?: number;
}): FaultSensors {
  async function readOne(src: FaultSource): Promise<FaultState> {
    try {
      if ('path' in src) return parseFaultReading(await readFile(src.path, 'utf8'), src.invert);
      const r = await opts.runner.run(src.command, { timeoutMs: opts.timeoutMs ?? 5_000 });
      return r.ok ? parseFaultReading(r.stdout, src.invert) : 'unknown';
    } catch {
      return 'unknown';
    }
  }
  return {
    async read() {
      const [speaker, amplifier] = await Promise.all([
        opts.speaker ? readOne(opts.speaker) : undefined,
        opts.amplifier ? readOne(opts.amplifier) : undefined,
      ]);
      return {
        ...(speaker ? { speaker } : {}),
        ...(amplifier ? { amplifier } : {}),
      };
    },
  };
}

/**
 * The heartbeat's existing fields (schemas `Health`): `speakerLineOk` (false: line open or shorted) and
 * `amplifierFault`; `unknown` is null (no reading), an unconfigured sensor is left out (not measured).
 */
export function faultHealth(r: Partial<FaultReadings>): {
  speakerLineOk?: boolean | null;
  amplifierFault?: boolean | null;
} {
  const out: { speakerLineOk?: boolean | null; amplifierFault?: boolean | null } = {};
  if (r.speaker) out.speakerLineOk = r.speaker === 'unknown' ? null : r.speaker === 'ok';
  if (r.amplifier) out.amplifierFault = r.amplifier === 'unknown' ? null : r.amplifier === 'fault';
  return out;
}
