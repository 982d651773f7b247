import type { Device } from '../devices/devices.service.js';
import type { Monitoring } from './monitoring.js';
import { type Transition, uptimeOf } from './uptime.js';

/** One receiver's transitions in [from, to) and its exact uptime there. */
export function presenceReport(m: Monitoring, device: Device, from: number, to: number) {
  const { before, transitions } = m.transitions([device.id], from, to).get(device.id) ?? {
    before: 'offline',
    transitions: [] as Transition[],
  };
  const u = uptimeOf(
    before,
    transitions,
    { from, to },
    { from: device.createdAt, to: device.revokedAt ?? Number.POSITIVE_INFINITY },
  );
  return {
    deviceId: device.id,
    from,
    to,
    stateBefore: before,
    transitions,
    onlineMs: u.onlineMs,
    windowMs: u.windowMs,
    uptime: u.windowMs === 0 ? null : u.onlineMs / u.windowMs,
  };
}
