import type { DeviceRow } from '../api/devices.js';

export const MAP_W = 600;
export const MAP_H = 400;
const PAD = 24;

export interface Placed {
  device: DeviceRow;
  x: number;
  y: number;
}

/**
 * Receivers placed by their own coordinates in an equirectangular view fitted to them: no map tiles,
 * so it works with no internet (a commune's control room often has none). Longitude is scaled by
 * cos(latitude) so distances look right at Vietnam's latitudes.
 */
export function project(devices: readonly DeviceRow[]): Placed[] {
  const located = devices.filter((d) => d.lat !== null && d.lon !== null);
  if (located.length === 0) return [];
  const lats = located.map((d) => d.lat!);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((midLat * Math.PI) / 180);
  const xs = located.map((d) => d.lon! * k);
  const ys = located.map((d) => -d.lat!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x1 - x0, y1 - y0, 1e-6);
  const scale = Math.min((MAP_W - 2 * PAD) / span, (MAP_H - 2 * PAD) / span);
  const ox = (MAP_W - (x1 - x0) * scale) / 2;
  const oy = (MAP_H - (y1 - y0) * scale) / 2;
  return located.map((d, i) => ({ device: d, x: ox + (xs[i]! - x0) * scale, y: oy + (ys[i]! - y0) * scale }));
}
