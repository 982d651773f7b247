import type { MediaRef } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { BulletinsService } from '../bulletins/bulletins.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { createPlaylistService } from './playlist.service.js';
import { loadActiveSchedules } from './playlist-builder.js';
import { createProofOfPlay } from './proof-of-play.js';
import { createSchedulesService } from './schedules.service.js';
import { createTargetResolver } from './targets.js';

/** The scheduling services, composed in one place so the server's composition root stays short. */
export function createScheduling(deps: {
  db: Db;
  mqtt: ServerMqtt;
  scopes: ScopeQueries;
  units: UnitsService;
  devices: DevicesService;
  groups: GroupsService;
  bulletins: BulletinsService;
  mediaRef: (sha256: string) => MediaRef | undefined;
  clock: () => number;
  log: Logger;
}) {
  const { db, clock } = deps;
  const targets = createTargetResolver(deps);
  const loadActive = () => loadActiveSchedules({ ...deps, targets });
  const playlists = createPlaylistService({ db, mqtt: deps.mqtt, clock, log: deps.log, loadActive });
  const proof = createProofOfPlay({ db, clock });
  const schedules = createSchedulesService({ ...deps, targets, playlists, loadActive });
  return { schedules, playlists, proof };
}
export type Scheduling = ReturnType<typeof createScheduling>;
