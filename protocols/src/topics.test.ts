import { describe, expect, it } from 'vitest';
import { ancestorPaths, deviceMayPublish, deviceMaySubscribe } from './acl.js';
import { allDevicesFilter, parseTopic, topics } from './topics.js';

describe('topics', () => {
  it('builds and parses device and area topics', () => {
    expect(parseTopic(topics.deviceHeartbeat('abc'))).toEqual({
      scope: 'device',
      deviceId: 'abc',
      suffix: 'heartbeat',
    });
    expect(parseTopic(topics.areaCommand(['79', '760', '26734']))).toEqual({
      scope: 'area',
      path: ['79', '760', '26734'],
      suffix: 'cmd',
    });
    expect(allDevicesFilter('log')).toBe('nguon/v1/dev/+/log');
  });

  it('refuses ids that would break out of their topic level', () => {
    for (const bad of ['a/b', '+', '#', '', 'x y']) {
      expect(() => topics.deviceCommand(bad)).toThrow();
      expect(() => topics.areaCommand(['79', bad])).toThrow();
    }
    expect(parseTopic('nguon/v1/dev/a/b/cmd')).toBeNull();
    expect(parseTopic('nguon/v1/area/cmd')).toBeNull();
  });
});

describe('device ACL', () => {
  const path = ['79', '760', '26734'];
  it('publishes only its own device-originated kinds', () => {
    expect(deviceMayPublish('d1', topics.deviceHeartbeat('d1'))).toBe(true);
    expect(deviceMayPublish('d1', topics.devicePresence('d1'))).toBe(true);
    expect(deviceMayPublish('d1', topics.deviceHeartbeat('d2'))).toBe(false);
    expect(deviceMayPublish('d1', topics.deviceCommand('d1'))).toBe(false);
    expect(deviceMayPublish('d1', topics.deviceDesired('d1'))).toBe(false);
    expect(deviceMayPublish('d1', topics.areaCommand(['79']))).toBe(false);
    expect(deviceMayPublish('d1', 'anything/else')).toBe(false);
    // Clock sync and events: a device asks for the time and reports events, never answers for the server.
    expect(deviceMayPublish('d1', topics.deviceTimeRequest('d1'))).toBe(true);
    expect(deviceMayPublish('d1', topics.deviceEvent('d1'))).toBe(true);
    expect(deviceMayPublish('d1', topics.deviceTime('d1'))).toBe(false);
    expect(deviceMayPublish('d1', topics.deviceTimeRequest('d2'))).toBe(false);
  });
  it('subscribes to its own commands and its ancestors’ area commands only', () => {
    expect(deviceMaySubscribe('d1', topics.deviceCommand('d1'), path)).toBe(true);
    expect(deviceMaySubscribe('d1', topics.deviceDesired('d1'), path)).toBe(true);
    for (const p of ancestorPaths(path)) expect(deviceMaySubscribe('d1', topics.areaCommand(p), path)).toBe(true);
    expect(deviceMaySubscribe('d1', topics.areaCommand(['79', '761']), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.areaCommand([...path, '1']), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceCommand('d2'), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceHeartbeat('d1'), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceTime('d1'), path)).toBe(true);
    expect(deviceMaySubscribe('d1', topics.deviceTime('d2'), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceTimeRequest('d1'), path)).toBe(false);
    expect(deviceMaySubscribe('d1', topics.deviceEvent('d1'), path)).toBe(false);
    expect(deviceMaySubscribe('d1', 'nguon/v1/dev/+/cmd', path)).toBe(false);
    expect(deviceMaySubscribe('d1', '#', path)).toBe(false);
  });
});
