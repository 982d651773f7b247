import { describe, expect, it } from 'vitest';
import { decode, encodeForArea, encodeForDevice } from './codec.js';
import { registry } from './registry.js';
import { topics } from './topics.js';

const sha = 'a'.repeat(64);
const now = 1_790_000_000_000;

describe('codec', () => {
  it('round-trips a play command with the registry QoS and retain flag', () => {
    const out = encodeForDevice('command', 'dev-1', {
      v: 1,
      id: 'c1',
      ts: now,
      expiresAt: now + 30_000,
      type: 'play',
      playId: 'p1',
      priority: 3,
      media: { sha256: sha, url: 'http://127.0.0.1:8080/m', sizeBytes: 10, durationMs: 1000 },
    });
    expect(out.topic).toBe('nguon/v1/dev/dev-1/cmd');
    expect(out.qos).toBe(registry.command.qos);
    const back = decode(out.topic, out.payload);
    expect(back.ok && back.kind === 'command' && back.message.type).toBe('play');
    expect(back.ok && back.deviceId).toBe('dev-1');
  });

  it('marks presence retained so a Will and a late subscriber see the last state', () => {
    const out = encodeForDevice('presence', 'd', { v: 1, id: 'x', ts: now, state: 'offline', session: 's' });
    expect(out.retain).toBe(true);
  });

  it('one area publish carries the same command schema', () => {
    const out = encodeForArea('areaCommand', ['79', '760'], {
      v: 1,
      id: 'c2',
      ts: now,
      expiresAt: now + 1,
      type: 'stop',
    });
    expect(out.topic).toBe('nguon/v1/area/79/760/cmd');
    const back = decode(out.topic, out.payload);
    expect(back.ok && back.kind === 'areaCommand' && back.areaPath).toEqual(['79', '760']);
  });

  it('refuses to encode an invalid payload (our own bug) instead of sending it', () => {
    // volume out of range on purpose: the schema, not the type, catches it
    expect(() =>
      encodeForDevice('command', 'd', { v: 1, id: 'c', ts: now, expiresAt: now, type: 'setVolume', volume: 400 }),
    ).toThrow();
  });

  it('carries the remote-control commands and refuses unknown or malformed ones', () => {
    const base = { v: 1 as const, ts: now, expiresAt: now + 1 };
    const cmds = [
      { ...base, id: 'm', type: 'setMute' as const, muted: true },
      { ...base, id: 'a', type: 'amplifier' as const, on: false },
      { ...base, id: 'r', type: 'reboot' as const },
      { ...base, id: 'x', type: 'restartAgent' as const },
      { ...base, id: 's', type: 'syncNow' as const },
      { ...base, id: 'h', type: 'reportNow' as const },
      { ...base, id: 'c', type: 'setConfig' as const, heartbeatIntervalS: 15, fmFallbackDelayS: 90 },
    ];
    for (const cmd of cmds) {
      const out = encodeForDevice('command', 'dev-1', cmd);
      const back = decode(out.topic, out.payload);
      expect(back.ok && back.kind === 'command' && back.message).toEqual(cmd);
    }
    const topic = topics.deviceCommand('dev-1');
    const bad = (o: unknown) => decode(topic, Buffer.from(JSON.stringify({ ...base, id: 'b', ...(o as object) })));
    expect(bad({ type: 'selfDestruct' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(bad({ type: 'amplifier', on: 'yes' })).toMatchObject({ ok: false, code: 'invalid' });
    expect(bad({ type: 'setConfig', heartbeatIntervalS: 0 })).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('round-trips clock sync, device events and the hook_failed reply', () => {
    const req = encodeForDevice('timeRequest', 'dev-1', { v: 1, id: 'q', ts: now, t0: now });
    expect(req).toMatchObject({ topic: 'nguon/v1/dev/dev-1/timereq', qos: 0, retain: false });
    const res = encodeForDevice('timeResponse', 'dev-1', {
      v: 1,
      id: 'r',
      ts: now,
      requestId: 'q',
      t0: now,
      t1: now + 5,
      t2: now + 6,
    });
    expect(res).toMatchObject({ topic: 'nguon/v1/dev/dev-1/time', qos: 0 });
    const back = decode(res.topic, res.payload);
    expect(back.ok && back.kind === 'timeResponse' && back.message.t1).toBe(now + 5);
    const ev = encodeForDevice('event', 'dev-1', {
      v: 1,
      id: 'e',
      ts: now,
      type: 'fmFallbackOn',
      level: 'warn',
      data: { offlineS: 121 },
    });
    expect(ev).toMatchObject({ topic: 'nguon/v1/dev/dev-1/event', qos: 1 });
    const reply = { v: 1 as const, id: 'a', replyId: 'b', ts: now, ok: false as const };
    expect(() =>
      encodeForDevice('reply', 'd', { ...reply, error: { code: 'hook_failed', message: 'exit code 1' } }),
    ).not.toThrow();
  });

  it.each([
    ['not JSON', topics.deviceHeartbeat('d'), Buffer.from('{nope'), 'not_json'],
    ['wrong shape', topics.deviceHeartbeat('d'), Buffer.from('{"v":1}'), 'invalid'],
    ['future version', topics.deviceLog('d'), Buffer.from('{"v":2,"id":"a","ts":1}'), 'invalid'],
    ['unknown topic', 'nguon/v1/dev/d/whatever', Buffer.from('{}'), 'unknown_topic'],
    ['foreign topic', 'zigbee2mqtt/bridge', Buffer.from('{}'), 'unknown_topic'],
    ['oversized', topics.deviceLog('d'), Buffer.alloc(300 * 1024, 32), 'too_large'],
    ['binary junk', topics.deviceReply('d'), Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'not_json'],
    ['JSON null', topics.devicePresence('d'), Buffer.from('null'), 'invalid'],
  ])('decode never throws on %s', (_name, topic, payload, code) => {
    const r = decode(topic, payload);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe(code);
  });
});
