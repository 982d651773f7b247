import type { DeviceRow } from '../api/devices.js';
import { stateOf } from '../api/devices.js';
import { t } from '../i18n.js';
import { Link } from '../router.js';
import { MAP_H as H, project, MAP_W as W } from './map-projection.js';

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
                <circle cx={x} cy={y} r={state === 'playing' ? 11 : 9} class={`dot ${state}`}>
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
