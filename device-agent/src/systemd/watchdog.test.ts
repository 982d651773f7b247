import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchdog } from './watchdog.js';

describe('systemd watchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings WATCHDOG=1 at a third of WATCHDOG_USEC while healthy', async () => {
    const sent: string[] = [];
    let healthy = true;
    const wd = createWatchdog({
      env: { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000' },
      healthy: () => healthy,
      notify: async (s) => {
        sent.push(s);
      },
    });
    wd.start();
    expect(sent).toEqual(['WATCHDOG=1']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(2);
    healthy = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(2);
    wd.stop();
  });

  it('never overlaps a hung notifier and stays silent outside systemd', async () => {
    let calls = 0;
    const hung = createWatchdog({
      env: { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '3000000' },
      healthy: () => true,
      notify: () => {
        calls += 1;
        return new Promise(() => {});
      },
    });
    hung.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    hung.stop();

    const outside = createWatchdog({ env: {}, healthy: () => true, notify: async () => void calls++ });
    outside.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    outside.stop();
  });
});
