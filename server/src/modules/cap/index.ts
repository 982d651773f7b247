/** CAP ingest composed for server.ts: the sender registry, the alert service and its content reference. */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { AppError } from '../../errors.js';
import type { EmergencyStarter } from '../emergency/emergency.types.js';
import type { ContentReferences } from '../library/content-references.js';
import type { TtsSynthesizer } from '../library/library-jobs.js';
import type { MediaService } from '../media/media.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { CapConfig } from './cap.config.js';
import { createCapRepository } from './cap.repository.js';
import { createCapService } from './cap.service.js';
import { createCapSenders } from './cap-senders.js';

export { type CapConfig, CapEnvSchema, capConfigFromEnv } from './cap.config.js';
export { capRoutes } from './cap.routes.js';
export type { CapService } from './cap.service.js';
export type { CapSenders } from './cap-senders.js';

/** Until an emergency service is connected, an alert that should air is refused (503), never dropped. */
export const emergencyNotConnected: EmergencyStarter = {
  start: async () => {
    throw new AppError('unavailable', 'the emergency service is not connected on this server');
  },
  stop: async () => {
    throw new AppError('unavailable', 'the emergency service is not connected on this server');
  },
};

export interface CapModuleDeps {
  db: Db;
  units: UnitsService;
  scopes: ScopeQueries;
  media: MediaService;
  tts: TtsSynthesizer | undefined;
  emergencies: EmergencyStarter;
  /** The library's seam: audio a CAP alert aired is kept while the alert record names it. */
  references: ContentReferences;
  config: CapConfig;
  clock: () => number;
  log: Logger;
}

export function createCapModule(deps: CapModuleDeps) {
  const repo = createCapRepository(deps.db);
  const interrupted = repo.failInterrupted(deps.clock());
  if (interrupted) deps.log.warn({ interrupted }, 'CAP alerts interrupted by a restart marked refused');
  deps.references.addReferenceCheck('cap_alerts', (sha256) =>
    Boolean(deps.db.get(sql`SELECT 1 FROM cap_alerts WHERE json_extract(audio, '$.sha256') = ${sha256} LIMIT 1`)),
  );
  const senders = createCapSenders({ repo, scopes: deps.scopes, clock: deps.clock });
  const service = createCapService({
    repo,
    db: deps.db,
    units: deps.units,
    scopes: deps.scopes,
    emergencies: deps.emergencies,
    audio: { media: deps.media, tts: deps.tts, config: deps.config },
    config: deps.config,
    clock: deps.clock,
    log: deps.log,
  });
  return { senders, service };
}
