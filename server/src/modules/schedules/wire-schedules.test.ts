import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import { createReceiverChanges } from '../devices/receiver-changes.js';
import type { PlaylistService } from './playlist.service.js';
import type { ProofOfPlay } from './proof-of-play.js';
import { CHANGE_COALESCE_MS, wireSchedules } from './wire-schedules.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('programmes after receiver changes', () => {
  it('coalesces a burst of changes into one refresh of exactly those receivers', async () => {
    const calls: Array<{ deviceIds?: Iterable<string> }> = [];
    const playlists = {
      refresh: async (opts: { deviceIds?: Iterable<string> } = {}) => {
        calls.push(opts);
        return { devices: 0, sent: 0 };
      },
    } as unknown as PlaylistService;
    const changes = createReceiverChanges();
    const stop = wireSchedules({
      mqtt: { on: () => {} } as unknown as ServerMqtt,
      playlists,
      proof: { sweepMissed: () => 0 } as unknown as ProofOfPlay,
      changes,
      log: pino({ level: 'silent' }),
    });
    await vi.advanceTimersByTimeAsync(0);
    calls.length = 0; // the refresh at start

    // A 1,000-member group edit, then an operator moving two receivers one by one.
    changes.changed(Array.from({ length: 1000 }, (_, i) => `d${i}`));
    changes.changed(['d5', 'x1']);
    changes.changed(['x2']);
    await vi.advanceTimersByTimeAsync(CHANGE_COALESCE_MS - 1);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(new Set(calls[0]!.deviceIds)).toEqual(
      new Set([...Array.from({ length: 1000 }, (_, i) => `d${i}`), 'x1', 'x2']),
    );

    // A later change is a new pass; after stop, none.
    changes.changed(['y']);
    await vi.advanceTimersByTimeAsync(CHANGE_COALESCE_MS);
    expect(calls.map((c) => [...(c.deviceIds ?? [])].length)).toEqual([1002, 1]);
    stop();
    changes.changed(['z']);
    await vi.advanceTimersByTimeAsync(CHANGE_COALESCE_MS);
    expect(calls).toHaveLength(2);
  });
});
