import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { EmergencyStarter } from '../emergency/emergency.types.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { MediaService } from '../media/media.service.js';
import type { SchedulesService } from '../schedules/schedules.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { createCollector, resolveStation, type StationInfo } from './collect.js';
import { createNationalInbox } from './national-inbox.js';
import { createOutbox } from './outbox.js';
import { createUplinkClient, createUplinkSender, type UplinkSender } from './sender.js';

/**
 * The province's national link, composed for server.ts: outbox, collector, sender loop and the inbox
 * of national bulletins. Off (and harmless) when NGUON_UPLINK_URL is unset.
 */
export function createUplink(deps: {
  config: Config['uplink'];
  db: Db;
  units: UnitsService;
  scopes: ScopeQueries;
  groups: GroupsService;
  devices: DevicesService;
  media: MediaService;
  schedules: () => SchedulesService;
  emergencies: () => EmergencyStarter;
  audit: AuditService;
  clock: () => number;
  log: Logger;
  fetch?: typeof fetch;
}) {
  const { config: cfg, clock, log } = deps;
  const outbox = createOutbox(deps.db);
  let cached: StationInfo | null = null;
  // Resolved lazily (the unit tree is created at first start, after composition) and then kept.
  const station = () => {
    cached ??= resolveStation(deps.units, cfg);
    return cached;
  };
  const collector = createCollector({ ...deps, outbox, station });
  const inbox = createNationalInbox({ ...deps, outbox, station });
  let sender: UplinkSender | null = null;
  if (cfg.url && cfg.token) {
    sender = createUplinkSender({
      outbox,
      collector,
      client: createUplinkClient({ url: cfg.url, token: cfg.token, timeoutMs: cfg.timeoutMs }, deps.fetch),
      station,
      pullBulletins: (client, signal) => inbox.pull(client, signal),
      intervalMs: cfg.intervalMs,
      clock,
      log,
    });
  }

  return {
    outbox,
    collector,
    inbox,
    sender,
    start: () => sender?.start(),
    stop: async () => sender?.stop(),
    status() {
      const s = sender?.state;
      let stationView: { id: string; name: string } | null = null;
      try {
        stationView = sender ? { id: station().stationId, name: station().stationName } : null;
      } catch {
        stationView = null;
      }
      return {
        enabled: sender !== null,
        url: cfg.url ?? null,
        station: stationView,
        intervalMs: cfg.intervalMs,
        lastAttemptAt: s?.lastAttemptAt ?? null,
        lastSuccessAt: s?.lastSuccessAt ?? null,
        lastError: s?.lastError ?? null,
        consecutiveFailures: s?.consecutiveFailures ?? 0,
        nextAttemptAt: s?.nextAttemptAt ?? null,
        sent: s?.sent ?? { status: 0, playlog: 0, schedule: 0 },
        backlog: outbox.backlog(),
        nationalBulletins: inbox.summary(),
      };
    },
  };
}
export type Uplink = ReturnType<typeof createUplink>;
