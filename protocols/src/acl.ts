import { registry } from './registry.js';
import { type AreaPath, parseTopic, TOPIC_ROOT } from './topics.js';

/**
 * Topic rules for a receiver's MQTT session (the broker enforces them):
 * - it publishes only device-originated kinds on its own device topics;
 * - it subscribes only to server-originated kinds on its own device topics, and to the
 *   command topics of its own unit and that unit's ancestors (one publish reaches a subtree).
 * Wildcards are refused: a receiver has no reason to use them.
 */
export function deviceMayPublish(deviceId: string, topic: string): boolean {
  const t = parseTopic(topic);
  if (t?.scope !== 'device' || t.deviceId !== deviceId) return false;
  return Object.values(registry).some((s) => s.scope === 'device' && s.suffix === t.suffix && s.from === 'device');
}

/** `areaPath` is the full path (codes from the top) of the device's own unit. */
export function deviceMaySubscribe(deviceId: string, filter: string, areaPath: AreaPath): boolean {
  if (filter.includes('+') || filter.includes('#')) return false;
  const t = parseTopic(filter);
  if (!t) return false;
  if (t.scope === 'device') {
    return (
      t.deviceId === deviceId &&
      Object.values(registry).some((s) => s.scope === 'device' && s.suffix === t.suffix && s.from === 'server')
    );
  }
  // An ancestor area is a prefix of the device's own path.
  return t.path.length <= areaPath.length && t.path.every((code, i) => areaPath[i] === code);
}

/** Every area path from the top unit down to `areaPath` itself: the command topics a device listens on. */
export function ancestorPaths(areaPath: AreaPath): string[][] {
  return areaPath.map((_, i) => areaPath.slice(0, i + 1));
}

export function isContractTopic(topic: string): boolean {
  return topic.startsWith(`${TOPIC_ROOT}/`);
}
