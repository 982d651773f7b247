import type { Health } from '@nguon/schemas';
import { describe, expect, it } from 'vitest';
import { alertTitle, evaluateRules } from './alert-rules.js';
import type { PresenceView } from './presence.js';

const thresholds = { offlineMs: 600_000, tempC: 75, diskPct: 90, missedMs: 86_400_000, evalMs: 1000 };
const NOW = 10_000_000;
const view = (state: PresenceView['state'], since: number, health: Partial<Health> | null = {}): PresenceView => ({
  state,
  since,
  lastSeenAt: since,
  session: 's',
  agentVersion: '1',
  health: health as Health,
});

describe('alert rules', () => {
  it('groups a commune-wide drop into one offline alert and one "no working receiver" alert', () => {
    const devices = Array.from({ length: 12 }, (_, i) => ({ id: `d${String(i).padStart(2, '0')}`, unitId: 7 }));
    const presence = new Map(devices.map((d) => [d.id, view('offline', NOW - 700_000)]));
    const out = evaluateRules({ now: NOW, devices, presence, missed: new Map(), thresholds });
    expect(out.map((c) => [c.kind, c.unitId, c.devices.length])).toEqual([
      ['device_offline', 7, 12],
      ['unit_no_receiver', 7, 12],
    ]);
    expect(alertTitle(out[0]!, 'Xã X', thresholds)).toBe('12 loa của Xã X mất kết nối quá 10 phút');
  });

  it('waits for the offline threshold, ignores receivers never seen or unknown after a restart', () => {
    const devices = [
      { id: 'a', unitId: 1 },
      { id: 'b', unitId: 1 },
      { id: 'c', unitId: 1 },
      { id: 'd', unitId: 1 },
    ];
    const presence = new Map([
      ['a', view('offline', NOW - 60_000)], // too recent
      ['b', view('unknown', 0)],
      ['d', view('online', NOW, { cpuTempC: 80, diskUsedPct: 95, speakerLineOk: false })],
    ]);
    const out = evaluateRules({ now: NOW, devices, presence, missed: new Map([['d', 2]]), thresholds });
    expect(out.map((c) => [c.kind, c.devices])).toEqual([
      ['hardware_fault', ['d']],
      ['temperature_high', ['d']],
      ['storage_full', ['d']],
      ['bulletin_missed', ['d']],
    ]);
    expect(alertTitle(out[3]!, 'Xã Y', thresholds)).toBe('2 lượt phát bản tin bị lỡ tại Xã Y');
  });

  it('uses each unit’s own thresholds for its receivers and in the alert title', () => {
    const devices = [
      { id: 'a', unitId: 1 },
      { id: 'b', unitId: 2 },
    ];
    const presence = new Map([
      ['a', view('offline', NOW - 120_000)],
      ['b', view('offline', NOW - 120_000)],
    ]);
    const strict = { ...thresholds, offlineMs: 60_000 };
    const out = evaluateRules({
      now: NOW,
      devices,
      presence,
      missed: new Map(),
      thresholds,
      thresholdsFor: (unitId) => (unitId === 1 ? strict : thresholds),
    });
    expect(out.map((c) => [c.kind, c.unitId])).toEqual([
      ['device_offline', 1],
      ['unit_no_receiver', 1],
    ]);
    expect(alertTitle(out[0]!, 'Xã Z', thresholds)).toBe('1 loa của Xã Z mất kết nối quá 1 phút');
  });
});
