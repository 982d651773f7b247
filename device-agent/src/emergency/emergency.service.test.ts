import type { EmergencyStartMessage, PlaybackLog } from '@nguon/protocols';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createPlaybackService } from '../playback/playback.service.js';
import type { Player, PlayResult } from '../players/player.js';
import { createEmergencyService } from './emergency.service.js';

function manualPlayer() {
  const plays: { file: string; volume: number; end: (o: PlayResult['outcome'], reason?: string) => void }[] = [];
  const player: Player = {
    play(file, { volume }) {
      let resolve!: (r: PlayResult) => void;
      const done = new Promise<PlayResult>((r) => {
        resolve = r;
      });
      let ended = false;
      const end = (outcome: PlayResult['outcome'], reason?: string) => {
        if (ended) return;
        ended = true;
        resolve({ outcome, playedMs: 10, ...(reason ? { reason } : {}) });
      };
      plays.push({ file, volume, end });
      return { done, stop: () => end('stopped') };
    },
  };
  return { player, plays };
}

const T0 = 1_790_000_000_000;

function setup() {
  let now = T0;
  const { player, plays } = manualPlayer();
  const logs: PlaybackLog[] = [];
  const reports: Array<{ type: string; data: Record<string, unknown> }> = [];
  const playback = createPlaybackService({ player, now: () => now, sendLog: async (l) => void logs.push(l) });
  const seenIds = new Set<string>();
  const stream = manualPlayer();
  let firstBytes: (() => void) | null = null;
  const service = createEmergencyService({
    playback,
    media: { ensure: async (m) => `/cache/${m.sha256}.mp3` },
    report: (type, _level, data) => reports.push({ type, data }),
    now: () => now,
    clockReady: async () => true,
    streamPlayer: (_s, onFirst) => {
      firstBytes = onFirst;
      return stream.player;
    },
    seen: { has: (id) => seenIds.has(id), add: (id) => void seenIds.add(id) },
    logger: pino({ level: 'silent' }),
  });
  return {
    service,
    playback,
    plays,
    stream,
    logs,
    reports,
    firstBytes: () => firstBytes?.(),
    setNow: (t: number) => {
      now = t;
    },
  };
}

const msg = (over: Partial<EmergencyStartMessage> = {}): EmergencyStartMessage => ({
  v: 1,
  id: 'm1',
  ts: T0,
  type: 'emergency',
  emergencyId: 'e1',
  title: 'Lũ',
  source: { kind: 'file', media: { sha256: 'c'.repeat(64), url: 'http://x/f', sizeBytes: 9, durationMs: 1000 } },
  repeat: 3,
  volume: 95,
  startedAt: T0,
  expiresAt: T0 + 60_000,
  ...over,
});
const types = (r: Array<{ type: string }>) => r.map((x) => x.type);

describe('emergency service', () => {
  it('interrupts what plays, plays the file N times at the emergency volume, reports each stage once', async () => {
    const s = setup();
    s.playback.play({ playId: 'sched', sha256: 'a'.repeat(64), file: '/cache/a.mp3', volume: 40, scheduled: true });
    s.service.handle(msg());
    await vi.waitFor(() => expect(types(s.reports)).toEqual(['emergency.received', 'emergency.started']));
    // The retained record again (a reconnect): ignored.
    s.service.handle(msg());
    await vi.waitFor(() => expect(s.logs.find((l) => l.playId === 'sched' && l.event === 'interrupted')).toBeDefined());
    expect(s.logs.find((l) => l.playId === 'sched' && l.event === 'interrupted')?.reason).toContain('emergency');
    for (let i = 1; i <= 3; i++) {
      expect(s.plays.length).toBe(1 + i);
      expect(s.plays[i]!.volume).toBe(95);
      s.plays[i]!.end('finished');
      await vi.waitFor(() => expect(s.plays.length === 2 + i || i === 3).toBe(true));
    }
    await vi.waitFor(() => expect(types(s.reports)).toContain('emergency.finished'));
    expect(s.reports.at(-1)?.data).toMatchObject({ emergencyId: 'e1', outcome: 'finished' });
    expect(s.service.current()).toBeNull();
  });

  it('stops on emergencyStop and does not join an expired or already handled one', async () => {
    const s = setup();
    s.service.handle(msg());
    await vi.waitFor(() => expect(s.plays.length).toBe(1));
    s.service.handle({ v: 1, id: 'm2', ts: T0, type: 'emergencyStop', emergencyId: 'e1' });
    await vi.waitFor(() => expect(s.reports.at(-1)?.data).toMatchObject({ outcome: 'stopped' }));
    await s.service.handle(msg());
    s.setNow(T0 + 120_000);
    await s.service.handle(msg({ emergencyId: 'e2', id: 'm3' }));
    expect(s.plays.length).toBe(1);
    expect(types(s.reports).filter((t) => t === 'emergency.received')).toHaveLength(1);
  });

  it('a stream reports started on its first bytes, and failed when it fails', async () => {
    const s = setup();
    s.service.handle(msg({ source: { kind: 'stream', url: 'http://radio/live.mp3', auth: 'none' } }));
    await vi.waitFor(() => expect(s.stream.plays.length).toBe(1));
    expect(types(s.reports)).toEqual(['emergency.received']);
    s.firstBytes();
    expect(types(s.reports)).toEqual(['emergency.received', 'emergency.started']);
    s.stream.plays[0]!.end('failed', 'stream failed: HTTP 404');
    await vi.waitFor(() => expect(types(s.reports)).toContain('emergency.failed'));
    expect(s.reports.at(-1)?.data.reason).toContain('HTTP 404');
    expect(s.playback.current()).toBeNull();
  });
});
