import type { Hardware } from '../hardware/hardware.js';
import type { DeviceEvents } from '../outbox/device-events.js';

export interface FmFallback {
  /** The agent starts without the server: the fallback delay runs from here until the first connect. */
  start(): void;
  onConnect(): void;
  onDisconnect(): void;
  /** A local playback is about to start: FM must not sound under a bulletin. */
  yieldToPlayback(): Promise<void>;
  active(): boolean;
  stop(): void;
}

export interface FmFallbackOptions {
  hardware: Pick<Hardware, 'has' | 'run'>;
  events: Pick<DeviceEvents, 'send'>;
  /** Read at every disconnect, so `setConfig` applies live. */
  delayMs: () => number;
  /** How long the server must stay back before FM is switched off. */
  restoreMs: number;
  /** FM waits while a bulletin plays from the cache. */
  isPlaying?: () => boolean;
  now?: () => number;
}

/**
 * FM relay while the server is unreachable (issue 5 item 6; Receivers in the mission brief). Hysteresis
 * on both edges: FM goes on only after `delayMs` without the server, and off only after the server has
 * stayed back for `restoreMs`, so a flapping 3G link does not click the relay every few seconds.
 */
export function createFmFallback(opts: FmFallbackOptions): FmFallback {
  const now = opts.now ?? Date.now;
  let connected = false;
  let active = false;
  /** After a restart the relay may still be on from before (a crash during an outage). */
  let unknown = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lostAt = now();

  const enabled = () => opts.hardware.has('fmOn');
  const arm = (ms: number, fn: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };

  async function switchOn(): Promise<void> {
    if (stopped || connected || active) return;
    if (opts.isPlaying?.()) {
      arm(opts.delayMs(), () => void switchOn());
      return;
    }
    const r = await opts.hardware.run('fmOn');
    if (stopped) return;
    if (!r.ok) {
      // hardware.run already recorded the failure; try again after another delay, not in a tight loop.
      if (!connected) arm(opts.delayMs(), () => void switchOn());
      return;
    }
    active = true;
    unknown = false;
    const offlineS = Math.round((now() - lostAt) / 1000);
    opts.events.send('fmFallbackOn', 'warn', 'server unreachable: FM fallback on', { offlineS });
    // The server may have come back while the relay switched.
    if (connected) arm(opts.restoreMs, () => void switchOff('server back'));
  }

  async function switchOff(reason: string): Promise<void> {
    if (stopped || !(active || unknown)) return;
    const r = await opts.hardware.run('fmOff');
    if (!r.ok) {
      if (connected) arm(opts.restoreMs, () => void switchOff(reason));
      return;
    }
    // Only a switch we made is an event; settling the unknown state after a restart is not.
    if (active) opts.events.send('fmFallbackOff', 'info', `FM fallback off: ${reason}`, { reason });
    active = false;
    unknown = false;
  }

  return {
    start() {
      stopped = false;
      lostAt = now();
      unknown = opts.hardware.has('fmOff');
      if (enabled() && !connected) arm(opts.delayMs(), () => void switchOn());
    },
    onConnect() {
      connected = true;
      disarm();
      if (active || unknown) arm(opts.restoreMs, () => void switchOff('server back'));
    },
    onDisconnect() {
      connected = false;
      lostAt = now();
      disarm();
      if (enabled() && !active) arm(opts.delayMs(), () => void switchOn());
    },
    async yieldToPlayback() {
      if (!active && !unknown) return;
      disarm();
      await switchOff('local playback');
      if (!connected && enabled() && !stopped) arm(opts.delayMs(), () => void switchOn());
    },
    active: () => active,
    stop() {
      stopped = true;
      disarm();
    },
  };
}
