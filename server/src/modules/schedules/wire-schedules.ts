import type { Logger } from 'pino';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { ReceiverChanges } from '../devices/receiver-changes.js';
import type { PlaylistService } from './playlist.service.js';
import type { ProofOfPlay } from './proof-of-play.js';

/** How often every programme is recomputed: rolls the 48-hour horizon and catches target changes. */
export const REFRESH_EVERY_MS = 5 * 60_000;
/**
 * Receiver changes are gathered this long, then recomputed in one pass: a 1,000-member group edit, a
 * unit import or an operator moving receivers one by one costs one refresh, not one per receiver.
 */
export const CHANGE_COALESCE_MS = 200;

/**
 * Keeps programmes current and proof of play up to date: a receiver that comes online gets its
 * playlist again (the embedded broker forgets retained messages on restart), playback logs record
 * outcomes, and a sweep marks what was never played.
 */
export function wireSchedules(deps: {
  mqtt: ServerMqtt;
  playlists: PlaylistService;
  proof: ProofOfPlay;
  /** Moves, group changes, registrations and revocations: those receivers' programmes are redone at once. */
  changes?: Pick<ReceiverChanges, 'onChange'>;
  log: Logger;
}): () => void {
  const { mqtt, playlists, proof, log } = deps;
  const fail = (what: string) => (err: unknown) => log.warn({ err }, what);

  const changed = new Set<string>();
  let flush: NodeJS.Timeout | undefined;
  const unsubscribe = deps.changes?.onChange((ids) => {
    for (const id of ids) changed.add(id);
    flush ??= setTimeout(() => {
      flush = undefined;
      const deviceIds = [...changed];
      changed.clear();
      // A receiver that left every schedule gets an empty programme, so deviceIds are named explicitly.
      playlists
        .refresh({ deviceIds })
        .then((r) => log.info({ devices: r.devices, sent: r.sent }, 'programmes redone after receiver changes'))
        .catch(fail('playlist refresh after receiver changes failed'));
    }, CHANGE_COALESCE_MS);
  });

  mqtt.on('presence', ({ deviceId, message }) => {
    if (deviceId && message.state === 'online')
      playlists.refresh({ deviceIds: [deviceId], force: true }).catch(fail('playlist refresh on connect failed'));
  });
  mqtt.on('playbackLog', ({ deviceId, message }) => {
    if (deviceId) proof.onLog(deviceId, message);
  });

  const refresh = setInterval(
    () => void playlists.refresh().catch(fail('periodic playlist refresh failed')),
    REFRESH_EVERY_MS,
  );
  const sweep = setInterval(() => {
    const n = proof.sweepMissed();
    if (n > 0) log.warn({ count: n }, 'scheduled items missed');
  }, 30_000);
  refresh.unref();
  sweep.unref();
  // At start: programmes may have rolled while the server was down.
  playlists.refresh().catch(fail('initial playlist refresh failed'));
  return () => {
    clearInterval(refresh);
    clearInterval(sweep);
    clearTimeout(flush);
    unsubscribe?.();
  };
}
