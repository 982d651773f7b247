import type { Logger } from 'pino';
import { describeFailure, type HookRunner } from './hook-runner.js';

export const HOOK_NAMES = ['amplifierOn', 'amplifierOff', 'reboot', 'fmOn', 'fmOff'] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export type HookCommands = Partial<Record<HookName, string>>;

export type HookOutcome = { ok: true } | { ok: false; code: 'unsupported' | 'hook_failed'; message: string };

export interface Hardware {
  has(name: HookName): boolean;
  /** Runs one hook; a missing hook is `unsupported`, a failing one `hook_failed`. Never rejects. */
  run(name: HookName): Promise<HookOutcome>;
  /** Switches the amplifier and remembers the state it reached. */
  amplifier(on: boolean): Promise<HookOutcome>;
  /** Last state the amplifier hooks switched to; null until one succeeded (unknown after a restart). */
  amplifierOn(): boolean | null;
}

export interface HardwareOptions {
  hooks: HookCommands;
  runner: HookRunner;
  logger: Logger;
  timeoutMs?: number;
  /** Every failure, so it is recorded as an event through the outbox. */
  onFailure?: (name: HookName, message: string) => void;
}

/**
 * The receiver's hardware as configured shell commands (issue 5 item 4). Hooks of one receiver run one
 * after another: an `fmOff` must not race an `fmOn` still switching the relay.
 */
export function createHardware(opts: HardwareOptions): Hardware {
  let amplifierState: boolean | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  async function runNow(name: HookName): Promise<HookOutcome> {
    const command = opts.hooks[name];
    if (!command) return { ok: false, code: 'unsupported', message: `no ${name} hook configured on this receiver` };
    const r = await opts.runner.run(command, { timeoutMs: opts.timeoutMs });
    if (r.ok) {
      opts.logger.info({ hook: name, durationMs: r.durationMs }, 'hook ran');
      return { ok: true };
    }
    const message = `${name} hook failed: ${describeFailure(r)}`;
    opts.logger.warn({ hook: name, code: r.code, timedOut: r.timedOut }, message);
    opts.onFailure?.(name, message);
    return { ok: false, code: 'hook_failed', message };
  }

  const run = (name: HookName): Promise<HookOutcome> => {
    const next = chain.then(() => runNow(name));
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    has: (name) => Boolean(opts.hooks[name]),
    run,
    async amplifier(on) {
      const outcome = await run(on ? 'amplifierOn' : 'amplifierOff');
      if (outcome.ok) amplifierState = on;
      // A failed switch leaves the relay in a state we cannot know.
      else if (outcome.code === 'hook_failed') amplifierState = null;
      return outcome;
    },
    amplifierOn: () => amplifierState,
  };
}
