import type { DeviceRow } from '../api/devices.js';
import { stateOf } from '../api/devices.js';
import { t } from '../i18n.js';
import { Link } from '../router.js';

const W = 600;
const H = 400;
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
  const scale = Math.min((W - 2 * PAD) / span, (H - 2 * PAD) / span);
  const ox = (W - (x1 - x0) * scale) / 2;
  const oy = (H - (y1 - y0) * scale) / 2;
  return located.map((d, i) => ({ device: d, x: ox + (xs[i]! - x0) * scale, y: oy + (ys[i]! - y0) * scale }));
}

export function DeviceMap({ devices }: { devices: readonly DeviceRow[] }) {
  const placed = project(devices);
  const unplaced = devices.filter((d) => d.lat === null || d.lon === null);
  return (
    <div class="map-wrap">
      {placed.length > 0 ? (
        <svg viewBox={`0 0 ${W} ${H}`} class="map" role="img" aria-label={t('map.label', { n: placed.length })}>
          <rect x="0" y="0" width={W} height={H} class="map-bg" />
          {placed.map(({ device, x, y }) => {
            const state = stateOf(device);
            return (
              <Link
                href={`/receivers/${device.id}`}
                key={device.id}
                aria-label={`${device.name}: ${t(`state.${state}`)}`}
              >
                <circle cx={x} cy={y} r={state === 'playing' ? 8 : 6} class={`dot ${state}`}>
                  <title>{`${device.name} — ${t(`state.${state}`)}`}</title>
                </circle>
              </Link>
            );
          })}
        </svg>
      ) : (
        <p class="muted">{t('map.none')}</p>
      )}
      <ul class="legend" aria-label={t('map.legend')}>
        {(['online', 'playing', 'offline'] as const).map((s) => (
          <li key={s}>
            <span class={`dot-key ${s}`} aria-hidden="true" /> {t(`state.${s}`)}
          </li>
        ))}
      </ul>
      {unplaced.length > 0 && (
        <details>
          <summary>{t('map.unplaced', { n: unplaced.length })}</summary>
          <ul>
            {unplaced.map((d) => (
              <li key={d.id}>
                <Link href={`/receivers/${d.id}`}>{d.name}</Link> — {t(`state.${stateOf(d)}`)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
