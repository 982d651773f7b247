import { type MediaRef, parseEmergencyReport } from '@nguon/protocols';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { createEmergencyRepository } from './emergency.repository.js';
import { createEmergencyService, type EmergencyServiceDeps } from './emergency.service.js';
import { createEmergencyReports } from './emergency-reports.js';
import { createEmergencyTargets } from './emergency-targets.js';

/**
 * The emergency module, composed: service (implements EmergencyStarter for the API and CAP ingest),
 * receivers' reports from their device events, expiry timers. `close()` stops timers and flushes reports.
 */
export function createEmergencyModule(deps: {
  db: Db;
  mqtt: ServerMqtt;
  units: UnitsService;
  devices: DevicesService;
  scopes: ScopeQueries;
  audit: AuditService;
  mediaRef: (sha256: string) => MediaRef | undefined;
  publicUrl: () => string;
  liveStreamUrl?: EmergencyServiceDeps['liveStreamUrl'];
  clock: () => number;
  log: Logger;
  /** Live presence (monitoring); without it, the stored device status. */
  isOnline?: (deviceId: string) => boolean;
}) {
  const { db, log } = deps;
  const repo = createEmergencyRepository(db);
  const known = new Map<string, boolean>();
  const reports = createEmergencyReports({
    repo,
    log,
    known: (id) => {
      let k = known.get(id);
      if (k === undefined) {
        k = repo.get(id) !== undefined;
        if (known.size > 10_000) known.clear();
        known.set(id, k);
      }
      return k;
    },
  });
  const targets = createEmergencyTargets(deps);
  const isApproved = (sha256: string) =>
    (db.get<{ n: number }>(sql`
      SELECT count(*) AS n FROM bulletin_versions v, json_each(v.items) i
      WHERE v.state = 'approved' AND json_extract(i.value, '$.sha256') = ${sha256}`)?.n ?? 0) > 0;
  const service = createEmergencyService({ ...deps, repo, targets, reports, isApproved });
  deps.mqtt.on('event', ({ deviceId, message }) => {
    if (!deviceId) return;
    const report = parseEmergencyReport(message);
    if (report) reports.add(deviceId, report);
  });
  return {
    service,
    reports,
    targets,
    resume: () => service.resume(),
    close(): void {
      service.close();
      reports.close();
    },
  };
}
export type EmergencyModule = ReturnType<typeof createEmergencyModule>;
