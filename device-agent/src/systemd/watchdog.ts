import { execFile } from 'node:child_process';

export interface Watchdog {
  start(): void;
  stop(): void;
}

export interface WatchdogOptions {
  env: Record<string, string | undefined>;
  /** Pings only while this holds (the agent is running); a wedged agent then gets restarted. */
  healthy: () => boolean;
  onError?: (err: Error) => void;
  /** Replaceable for tests; defaults to running `systemd-notify`. */
  notify?: (state: string) => Promise<void>;
}

function systemdNotify(state: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('systemd-notify', [state], { timeout: 5_000 }, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Pings systemd's watchdog (`WatchdogSec=` in nguon-agent.service) with `systemd-notify WATCHDOG=1`.
 * Node has no unix datagram sockets, so the ping goes through the systemd-notify binary; the unit
 * therefore sets `NotifyAccess=all`. Pings go at a third of WATCHDOG_USEC (one lost ping is no restart),
 * and never overlap: a hung systemd-notify does not pile up processes. Without NOTIFY_SOCKET (not
 * under systemd) it does nothing.
 */
export function createWatchdog(opts: WatchdogOptions): Watchdog {
  const notify = opts.notify ?? systemdNotify;
  const usec = Number(opts.env.WATCHDOG_USEC);
  const intervalMs = Number.isFinite(usec) && usec > 0 ? Math.max(1_000, Math.floor(usec / 3_000)) : 20_000;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  const ping = () => {
    if (busy || !opts.healthy()) return;
    busy = true;
    notify('WATCHDOG=1')
      .catch((err: Error) => opts.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };

  return {
    start() {
      if (!opts.env.NOTIFY_SOCKET || timer) return;
      ping();
      timer = setInterval(ping, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
