/**
 * CAP 1.2 area geometry (§3.3.3): a polygon is "lat,lon lat,lon …" (WGS 84), a closed ring of at least
 * four points; a circle is "lat,lon radius" with the radius in kilometres.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { point, polygon as turfPolygon } from '@turf/helpers';

export interface LatLon {
  lat: number;
  lon: number;
}
export interface Circle {
  centre: LatLon;
  radiusKm: number;
}
export type GeoResult<T> = { ok: true; value: T } | { ok: false; message: string };

const NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function parsePair(pair: string): GeoResult<LatLon> {
  const parts = pair.split(',');
  if (parts.length !== 2 || !parts.every((p) => NUM.test(p)))
    return { ok: false, message: `"${pair}" is not a "lat,lon" pair` };
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  if (lat < -90 || lat > 90) return { ok: false, message: `latitude ${lat} is outside -90…90` };
  if (lon < -180 || lon > 180) return { ok: false, message: `longitude ${lon} is outside -180…180` };
  return { ok: true, value: { lat, lon } };
}

export function parsePolygon(textValue: string): GeoResult<LatLon[]> {
  const pairs = textValue.trim().split(/\s+/).filter(Boolean);
  if (pairs.length < 4) return { ok: false, message: `a polygon needs at least 4 points, found ${pairs.length}` };
  const points: LatLon[] = [];
  for (const p of pairs) {
    const r = parsePair(p);
    if (!r.ok) return r;
    points.push(r.value);
  }
  const first = points[0]!;
  const last = points.at(-1)!;
  if (first.lat !== last.lat || first.lon !== last.lon)
    return { ok: false, message: 'the polygon is not closed: the last point must repeat the first' };
  return { ok: true, value: points };
}

export function parseCircle(textValue: string): GeoResult<Circle> {
  const parts = textValue.trim().split(/\s+/);
  if (parts.length !== 2) return { ok: false, message: `"${textValue}" is not "lat,lon radius"` };
  const centre = parsePair(parts[0]!);
  if (!centre.ok) return centre;
  if (!NUM.test(parts[1]!) || !(Number(parts[1]) >= 0))
    return { ok: false, message: `radius "${parts[1]}" is not a non-negative number of kilometres` };
  return { ok: true, value: { centre: centre.value, radiusKm: Number(parts[1]) } };
}

export function inPolygon(p: LatLon, ring: LatLon[]): boolean {
  const poly = turfPolygon([ring.map((q) => [q.lon, q.lat])]);
  return booleanPointInPolygon(point([p.lon, p.lat]), poly);
}

const EARTH_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle (haversine) distance; the error against WGS 84 is far below a circle's meaning. */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function inCircle(p: LatLon, c: Circle): boolean {
  return distanceKm(p, c.centre) <= c.radiusKm;
}
