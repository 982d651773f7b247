import { describe, expect, it } from 'vitest';
import type { DeviceRow } from '../api/devices.js';
import { countStates, stateOf } from '../api/devices.js';
import { MAP_H, MAP_W, project } from './map-projection.js';

const device = (id: string, lat: number | null, lon: number | null, status: DeviceRow['status'] = null): DeviceRow => ({
  id,
  unitId: 1,
  name: id,
  hardwareId: null,
  lat,
  lon,
  tags: [],
  volume: 80,
  muted: false,
  revokedAt: null,
  createdAt: 0,
  status,
});

describe('the receiver map without tiles', () => {
  it('fits the located receivers inside the drawing, north up, and leaves the others out', () => {
    const placed = project([device('a', 16.5, 107.5), device('b', 16.4, 107.6), device('c', null, null)]);
    expect(placed.map((p) => p.device.id)).toEqual(['a', 'b']);
    for (const p of placed) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(MAP_W);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(MAP_H);
    }
    const [a, b] = placed;
    expect(a!.y).toBeLessThan(b!.y); // a lies further north
    expect(a!.x).toBeLessThan(b!.x); // and further west
  });

  it('places a single receiver in the middle', () => {
    const [p] = project([device('a', 16.46, 107.59)]);
    expect(p!.x).toBeCloseTo(MAP_W / 2);
    expect(p!.y).toBeCloseTo(MAP_H / 2);
  });

  it('counts online, playing, offline and revoked receivers from the status API', () => {
    const health = { playing: { playId: 'p', sha256: 'x'.repeat(64) } } as unknown as NonNullable<
      DeviceRow['status']
    >['health'];
    const online = { online: true, session: 's', changedAt: 0, lastSeenAt: 0, agentVersion: null, health: null };
    const list = [
      device('a', null, null, online),
      device('b', null, null, { ...online, health }),
      device('c', null, null, { ...online, online: false }),
      device('d', null, null),
      { ...device('e', null, null, online), revokedAt: 1 },
    ];
    expect(list.map(stateOf)).toEqual(['online', 'playing', 'offline', 'offline', 'revoked']);
    expect(countStates(list)).toEqual({ online: 1, playing: 1, offline: 2, revoked: 1 });
  });
});
