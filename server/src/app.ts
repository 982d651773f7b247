import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { accountsRoutes } from './modules/accounts/accounts.routes.js';
import type { AccountsService } from './modules/accounts/accounts.service.js';
import { usersRoutes } from './modules/accounts/users.routes.js';
import type { UsersService } from './modules/accounts/users.service.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import type { AuditService } from './modules/audit/audit.service.js';
import { bulletinsRoutes } from './modules/bulletins/bulletins.routes.js';
import type { BulletinsService } from './modules/bulletins/bulletins.service.js';
import { type CapSenders, type CapService, capRoutes } from './modules/cap/index.js';
import type { DesiredStateService } from './modules/devices/desired-state.service.js';
import { deviceEventsRoutes } from './modules/devices/device-events.routes.js';
import type { DeviceEventsService } from './modules/devices/device-events.service.js';
import type { DeviceLifecycle } from './modules/devices/device-lifecycle.service.js';
import type { DeviceStatusService } from './modules/devices/device-status.service.js';
import { devicesRoutes } from './modules/devices/devices.routes.js';
import type { DevicesService } from './modules/devices/devices.service.js';
import type { EmergencyModule } from './modules/emergency/emergency.module.js';
import { emergencyRoutes } from './modules/emergency/emergency.routes.js';
import { groupsRoutes } from './modules/groups/groups.routes.js';
import type { GroupsService } from './modules/groups/groups.service.js';
import type { JobRunner } from './modules/jobs/job-runner.js';
import { jobsRoutes } from './modules/jobs/jobs.routes.js';
import { libraryRoutes } from './modules/library/library.routes.js';
import type { LibraryService } from './modules/library/library.service.js';
import { liveRoutes } from './modules/live/live.routes.js';
import type { LiveService } from './modules/live/live.service.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import type { MediaService } from './modules/media/media.service.js';
import { alertThresholdsRoutes } from './modules/monitoring/alert-thresholds.routes.js';
import { alertsRoutes } from './modules/monitoring/alerts.routes.js';
import { deviceHealthRoutes } from './modules/monitoring/device-health.routes.js';
import type { Monitoring } from './modules/monitoring/monitoring.js';
import { webhooksRoutes } from './modules/monitoring/webhooks.routes.js';
import { nationalRoutes } from './modules/national/national.routes.js';
import type { NationalService } from './modules/national/national.service.js';
import type { CommandsService } from './modules/playback/commands.service.js';
import { playbackRoutes } from './modules/playback/playback.routes.js';
import type { PlaybackLogService } from './modules/playback/playback-log.service.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import type { Reports } from './modules/reports/reports.service.js';
import { schedulesRoutes } from './modules/schedules/schedules.routes.js';
import type { Scheduling } from './modules/schedules/scheduling.js';
import type { ScopeQueries } from './modules/units/scope.js';
import { unitsRoutes } from './modules/units/units.routes.js';
import type { UnitsService } from './modules/units/units.service.js';
import type { Uplink } from './modules/uplink/uplink.js';
import { uplinkRoutes } from './modules/uplink/uplink.routes.js';
import { accessPlugin } from './plugins/access.js';
import { auditHook } from './plugins/audit-hook.js';
import { consoleStatic } from './plugins/console-static.js';
import { installErrorHandler } from './plugins/error-handler.js';

export interface AppServices extends Scheduling {
  accounts: AccountsService;
  users: UsersService;
  audit: AuditService;
  scopes: ScopeQueries;
  units: UnitsService;
  devices: DevicesService;
  deviceStatus: DeviceStatusService;
  desired: DesiredStateService;
  deviceLifecycle: DeviceLifecycle;
  groups: GroupsService;
  bulletins: BulletinsService;
  media: MediaService;
  jobs: JobRunner;
  library: LibraryService;
  commands: CommandsService;
  playbackLogs: PlaybackLogService;
  uplink: Uplink;
  national: NationalService;
  cap: CapService;
  capSenders: CapSenders;
  live: LiveService;
  deviceEvents: DeviceEventsService;
  emergency: EmergencyModule;
  monitoring: Monitoring;
  reports: Reports;
}

export interface AppDeps {
  config: Config;
  log: Logger;
  services: AppServices;
  /** The broker URL receivers are told to use, shown with their credentials. */
  mqttUrlForDevices: () => string;
  health: () => Record<string, unknown>;
  clock: () => number;
}

/** Builds the HTTP app without listening; tests inject requests into it or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, services: s } = deps;
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: config.media.uploadMaxBytes, files: 1, fields: 10 } });
  await app.register(rateLimit, { global: false });
  await app.register(accessPlugin, { accounts: s.accounts, devices: s.devices, scopes: s.scopes });
  await app.register(auditHook, { audit: s.audit, clock: deps.clock });

  app.get('/health', { config: { access: { public: true } } }, async () => ({ ok: true, ...deps.health() }));
  await app.register(accountsRoutes, { accounts: s.accounts });
  await app.register(usersRoutes, { users: s.users, units: s.units });
  await app.register(auditRoutes, { audit: s.audit });
  await app.register(unitsRoutes, { units: s.units, desired: s.desired });
  await app.register(devicesRoutes, {
    devices: s.devices,
    status: s.deviceStatus,
    units: s.units,
    scopes: s.scopes,
    lifecycle: s.deviceLifecycle,
    mqttUrlForDevices: deps.mqttUrlForDevices,
  });
  await app.register(groupsRoutes, { groups: s.groups, units: s.units });
  await app.register(mediaRoutes, { service: s.media, catalog: s.library, scopes: s.scopes });
  await app.register(libraryRoutes, { library: s.library, media: s.media, units: s.units, scopes: s.scopes });
  await app.register(jobsRoutes, { jobs: s.jobs, scopes: s.scopes });
  await app.register(bulletinsRoutes, { bulletins: s.bulletins, units: s.units });
  await app.register(schedulesRoutes, {
    schedules: s.schedules,
    playlists: s.playlists,
    proof: s.proof,
    devices: s.devices,
    units: s.units,
    scopes: s.scopes,
  });
  const control = { commands: s.commands, logs: s.playbackLogs, devices: s.devices, groups: s.groups, units: s.units };
  await app.register(playbackRoutes, control);
  await app.register(deviceEventsRoutes, { events: s.deviceEvents, devices: s.devices });
  await app.register(uplinkRoutes, { uplink: s.uplink });
  await app.register(nationalRoutes, { national: s.national, ...config.national });
  await app.register(capRoutes, {
    cap: s.cap,
    senders: s.capSenders,
    units: s.units,
    maxXmlBytes: config.cap.maxXmlBytes,
  });
  await app.register(liveRoutes, { live: s.live, units: s.units, scopes: s.scopes, catalog: s.library });
  await app.register(emergencyRoutes, {
    ...{ emergencies: s.emergency.service, reports: s.emergency.reports, targets: s.emergency.targets },
    ...{ units: s.units, groups: s.groups, clock: deps.clock },
  });
  // Monitoring and reports (issue 8).
  await app.register(deviceHealthRoutes, { monitoring: s.monitoring, devices: s.devices, clock: deps.clock });
  await app.register(alertsRoutes, { alerts: s.monitoring.alerts, units: s.units, scopes: s.scopes });
  await app.register(alertThresholdsRoutes, { thresholds: s.monitoring.thresholds, units: s.units });
  await app.register(webhooksRoutes, { webhooks: s.monitoring.webhooks, units: s.units });
  await app.register(reportsRoutes, { reports: s.reports, units: s.units, clock: deps.clock });
  await app.register(consoleStatic);
  return app;
}
