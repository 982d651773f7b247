import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HookName, HookOutcome } from '../hardware/hardware.js';
import { createFmFallback } from './fm-fallback.js';

const DELAY = 120_000;
const RESTORE = 30_000;

function setup(opts: { hooks?: HookName[]; failing?: HookName[] } = {}) {
  const hooks = new Set(opts.hooks ?? ['fmOn', 'fmOff']);
  const failing = new Set(opts.failing ?? []);
  const ran: HookName[] = [];
  const events: string[] = [];
  let playing = false;
  const fm = createFmFallback({
    hardware: {
      has: (n) => hooks.has(n),
      run: async (n): Promise<HookOutcome> => {
        ran.push(n);
        return failing.has(n) ? { ok: false, code: 'hook_failed', message: 'x' } : { ok: true };
      },
    },
    events: { send: (type) => events.push(type) },
    delayMs: () => DELAY,
    restoreMs: RESTORE,
    isPlaying: () => playing,
  });
  return { fm, ran, events, failing, setPlaying: (p: boolean) => (playing = p) };
}

describe('FM fallback', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('switches FM on after the delay without the server and off once the server stayed back', async () => {
    const { fm, ran, events } = setup();
    fm.start();
    fm.onConnect();
    // Settles the unknown relay state after a restart, silently.
    await vi.advanceTimersByTimeAsync(RESTORE);
    expect(ran).toEqual(['fmOff']);
    expect(events).toEqual([]);

    fm.onDisconnect();
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(fm.active()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fm.active()).toBe(true);
    fm.onConnect();
    await vi.advanceTimersByTimeAsync(RESTORE);
    expect(fm.active()).toBe(false);
    expect(ran).toEqual(['fmOff', 'fmOn', 'fmOff']);
    expect(events).toEqual(['fmFallbackOn', 'fmFallbackOff']);
  });

  it('does not flap on a link that drops and returns quickly', async () => {
    const { fm, ran } = setup({ hooks: ['fmOn'] });
    fm.start();
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(DELAY / 2);
      fm.onConnect();
      await vi.advanceTimersByTimeAsync(1_000);
      fm.onDisconnect();
    }
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(ran).toEqual(['fmOn']);
    // Back for less than the restore time, then gone again: FM stays on, no relay clicks.
    fm.onConnect();
    await vi.advanceTimersByTimeAsync(RESTORE / 2);
    fm.onDisconnect();
    await vi.advanceTimersByTimeAsync(10 * DELAY);
    expect(ran).toEqual(['fmOn']);
    expect(fm.active()).toBe(true);
  });

  it('yields to a local playback and waits while one plays', async () => {
    const { fm, ran, events, setPlaying } = setup({ hooks: ['fmOn', 'fmOff'] });
    fm.start();
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(fm.active()).toBe(true);
    setPlaying(true);
    await fm.yieldToPlayback();
    expect(fm.active()).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * DELAY);
    expect(fm.active()).toBe(false);
    setPlaying(false);
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(fm.active()).toBe(true);
    expect(ran).toEqual(['fmOn', 'fmOff', 'fmOn']);
    expect(events).toEqual(['fmFallbackOn', 'fmFallbackOff', 'fmFallbackOn']);
  });

  it('retries a failing hook only after another delay, and does nothing without an fmOn hook', async () => {
    const { fm, ran } = setup({ failing: ['fmOn'] });
    fm.start();
    await vi.advanceTimersByTimeAsync(3 * DELAY);
    expect(ran).toEqual(['fmOn', 'fmOn', 'fmOn']);
    expect(fm.active()).toBe(false);

    const none = setup({ hooks: [] });
    none.fm.start();
    await vi.advanceTimersByTimeAsync(10 * DELAY);
    expect(none.ran).toEqual([]);
  });
});
