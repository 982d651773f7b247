import { encodeForArea, encodeForDevice, topics } from '@nguon/protocols';
import { describe, expect, it } from 'vitest';
import { type MessageHandlers, routeMessage } from './message-router.js';

const T = 1_790_000_000_000;
const stop = { v: 1 as const, id: 'c1', ts: T, expiresAt: T + 1, type: 'stop' as const };

function collect() {
  const calls: { what: string; arg: unknown }[] = [];
  const on: MessageHandlers = {
    command: (cmd, source) => calls.push({ what: `command:${source}`, arg: cmd.id }),
    desired: (d) => calls.push({ what: 'desired', arg: d.version }),
    dropped: (info) => calls.push({ what: 'dropped', arg: info.code }),
    time: (res) => calls.push({ what: 'time', arg: res.requestId }),
    playlist: (p) => calls.push({ what: 'playlist', arg: p.version }),
    invalidCommand: (info) => calls.push({ what: 'invalid', arg: info.id }),
  };
  return { calls, on };
}

describe('routeMessage', () => {
  it('answers a malformed command that carries an id, and only for this device', () => {
    const { calls, on } = collect();
    const bad = Buffer.from(JSON.stringify({ v: 1, id: 'c9', ts: T, type: 'setVolume', volume: 900 }));
    routeMessage('dev-1', topics.deviceCommand('dev-1'), bad, on);
    routeMessage('dev-1', topics.areaCommand(['79']), bad, on);
    routeMessage('dev-1', topics.deviceCommand('dev-2'), bad, on);
    routeMessage('dev-1', topics.deviceCommand('dev-1'), Buffer.from('{"v":1,"type":"play"}'), on);
    routeMessage('dev-1', topics.deviceCommand('dev-1'), Buffer.from('{nope'), on);
    expect(calls.filter((c) => c.what === 'invalid')).toEqual([
      { what: 'invalid', arg: 'c9' },
      { what: 'invalid', arg: 'c9' },
    ]);
    expect(calls.filter((c) => c.what === 'dropped')).toHaveLength(5);
  });

  it('routes own commands, area commands and own desired state', () => {
    const { calls, on } = collect();
    const own = encodeForDevice('command', 'dev-1', stop);
    const area = encodeForArea('areaCommand', ['79'], stop);
    const desired = encodeForDevice('desired', 'dev-1', {
      v: 1,
      id: 'd1',
      ts: T,
      version: 4,
      volume: 50,
      muted: false,
      areas: [],
    });
    const time = encodeForDevice('timeResponse', 'dev-1', {
      v: 1,
      id: 't',
      ts: T,
      requestId: 'q1',
      t0: 1,
      t1: 2,
      t2: 3,
    });
    const playlist = encodeForDevice('playlist', 'dev-1', {
      v: 1,
      id: 'p',
      ts: T,
      version: 9,
      horizonEnd: T,
      items: [],
    });
    const othersPlaylist = encodeForDevice('playlist', 'dev-2', {
      v: 1,
      id: 'p',
      ts: T,
      version: 9,
      horizonEnd: T,
      items: [],
    });
    for (const m of [own, area, desired, time, playlist, othersPlaylist]) routeMessage('dev-1', m.topic, m.payload, on);
    expect(calls).toEqual([
      { what: 'command:device', arg: 'c1' },
      { what: 'command:area', arg: 'c1' },
      { what: 'desired', arg: 4 },
      { what: 'time', arg: 'q1' },
      { what: 'playlist', arg: 9 },
      { what: 'dropped', arg: 'unexpected' },
    ]);
  });

  it('drops bad payloads, foreign topics and kinds a device never receives', () => {
    const { calls, on } = collect();
    const other = encodeForDevice('command', 'dev-2', stop);
    const reply = encodeForDevice('reply', 'dev-1', { v: 1, id: 'c1', replyId: 'r1', ts: T, ok: true });
    routeMessage('dev-1', topics.deviceCommand('dev-1'), Buffer.from('{nope'), on);
    routeMessage('dev-1', topics.deviceCommand('dev-1'), Buffer.from('{"type":"play"}'), on);
    routeMessage('dev-1', 'elsewhere/x', Buffer.from('{}'), on);
    routeMessage('dev-1', other.topic, other.payload, on);
    routeMessage('dev-1', reply.topic, reply.payload, on);
    expect(calls.map((c) => c.arg)).toEqual(['not_json', 'invalid', 'unknown_topic', 'unexpected', 'unexpected']);
    expect(calls.every((c) => c.what === 'dropped')).toBe(true);
  });
});
