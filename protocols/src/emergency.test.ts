import { describe, expect, it } from 'vitest';
import { deviceMayPublish, deviceMaySubscribe } from './acl.js';
import { decode, encodeForArea, encodeForDevice } from './codec.js';
import { type EmergencyStartMessage, emergencyEventType, parseEmergencyReport } from './emergency.js';
import { topics } from './topics.js';

const now = 1_790_000_000_000;
const start: EmergencyStartMessage = {
  v: 1,
  id: 'm1',
  ts: now,
  type: 'emergency',
  emergencyId: 'e1',
  title: 'Bão số 3',
  source: {
    kind: 'file',
    media: { sha256: 'b'.repeat(64), url: 'http://127.0.0.1:8080/f', sizeBytes: 10, durationMs: 1000 },
  },
  repeat: 3,
  volume: 100,
  startedAt: now,
  expiresAt: now + 600_000,
};

describe('emergency messages', () => {
  it('go once per area, retained, and decode back', () => {
    const out = encodeForArea('emergency', ['46'], start);
    expect(out.topic).toBe('nguon/v1/area/46/emergency');
    expect(out.retain).toBe(true);
    expect(out.qos).toBe(1);
    const back = decode(out.topic, out.payload);
    expect(back.ok && back.kind === 'emergency' && back.message.type).toBe('emergency');
    expect(back.ok && back.areaPath).toEqual(['46']);
  });

  it('also per device, and a stop replaces the record', () => {
    const out = encodeForDevice('deviceEmergency', 'd1', {
      v: 1,
      id: 'm2',
      ts: now,
      type: 'emergencyStop',
      emergencyId: 'e1',
    });
    expect(out.topic).toBe(topics.deviceEmergency('d1'));
    expect(out.retain).toBe(true);
    const back = decode(out.topic, out.payload);
    expect(back.ok && back.kind).toBe('deviceEmergency');
  });

  it('refuses a stream that is not http(s), a repeat out of range, and an unknown auth', () => {
    const bad = [
      { ...start, source: { kind: 'stream', url: 'file:///etc/passwd', auth: 'none' } },
      { ...start, repeat: 0 },
      { ...start, repeat: 21 },
      { ...start, source: { kind: 'stream', url: 'http://x/live.mp3', auth: 'root' } },
    ];
    for (const b of bad) expect(decode(topics.areaEmergency(['46']), JSON.stringify(b)).ok).toBe(false);
  });

  it('a receiver listens to its own and its ancestors’ emergency topics and never publishes there', () => {
    const path = ['46', '19753'];
    expect(deviceMaySubscribe('d1', topics.areaEmergency(['46']), path)).toBe(true);
    expect(deviceMaySubscribe('d1', topics.areaEmergency(['46', '19774']), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceEmergency('d1'), path)).toBe(true);
    expect(deviceMaySubscribe('d1', topics.deviceEmergency('d2'), path)).toBe(false);
    expect(deviceMayPublish('d1', topics.deviceEmergency('d1'))).toBe(false);
    expect(deviceMayPublish('d1', topics.areaEmergency(['46']))).toBe(false);
  });

  it('reads reports out of device events and ignores anything else', () => {
    expect(parseEmergencyReport({ type: emergencyEventType('started'), data: { emergencyId: 'e1', at: now } })).toEqual(
      { stage: 'started', emergencyId: 'e1', at: now },
    );
    expect(
      parseEmergencyReport({ type: 'emergency.failed', data: { emergencyId: 'e1', at: now, reason: 'stream' } }),
    ).toMatchObject({ stage: 'failed', reason: 'stream' });
    expect(parseEmergencyReport({ type: 'emergency.bogus', data: { emergencyId: 'e1', at: now } })).toBeNull();
    expect(parseEmergencyReport({ type: 'emergency.started', data: { emergencyId: 'e1' } })).toBeNull();
    expect(parseEmergencyReport({ type: 'clockSynced', data: {} })).toBeNull();
  });
});
