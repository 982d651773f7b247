import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type AppServices, buildApp } from './app.js';
import { type Config, publicUrlFor } from './config.js';
import { openDatabase } from './db/db.js';
import { createAccountsService } from './modules/accounts/accounts.service.js';
import { createUsersService } from './modules/accounts/users.service.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createBulletinsService } from './modules/bulletins/bulletins.service.js';
import { createCapModule } from './modules/cap/index.js';
import { createDesiredStateService } from './modules/devices/desired-state.service.js';
import { createDeviceEventsService } from './modules/devices/device-events.service.js';
import { createDeviceLifecycle } from './modules/devices/device-lifecycle.service.js';
import { createDeviceStatusService } from './modules/devices/device-status.service.js';
import { createDevicesService } from './modules/devices/devices.service.js';
import { createReceiverChanges } from './modules/devices/receiver-changes.js';
import { createEmergencyModule } from './modules/emergency/emergency.module.js';
import type { EmergencyStarter } from './modules/emergency/emergency.types.js';
import { createGroupsService } from './modules/groups/groups.service.js';
import { createMediaLibrary } from './modules/library/media-library.js';
import { createLiveFromConfig } from './modules/live/live.setup.js';
import { createMediaRepository } from './modules/media/media.repository.js';
import { createMonitoring } from './modules/monitoring/monitoring.js';
import { createNationalService } from './modules/national/national.service.js';
import { createCommandsService } from './modules/playback/commands.service.js';
import { createPlaybackLogService } from './modules/playback/playback-log.service.js';
import { wireDeviceMessages } from './modules/playback/wire-device-messages.js';
import { createEmergencyReportSource } from './modules/reports/emergency-section.js';
import { createReports } from './modules/reports/reports.service.js';
import { createScheduling } from './modules/schedules/scheduling.js';
import { wireSchedules } from './modules/schedules/wire-schedules.js';
import { createTtsFromConfig } from './modules/tts/index.js';
import { bootstrapData } from './modules/units/bootstrap.js';
import { createScopeQueries } from './modules/units/scope.js';
import { createUnitsService } from './modules/units/units.service.js';
import { createUplink } from './modules/uplink/uplink.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './plugins/broker.js';
import { attachServerMqtt, connectServerMqtt, type ServerMqtt } from './plugins/mqtt-client.js';

export class PortInUseError extends Error {
  constructor(
    readonly what: 'HTTP' | 'MQTT',
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`${what} port ${port} is already in use. Stop the other program or choose another port: ${envVar}=<port>`);
    this.name = 'PortInUseError';
  }
}

export interface RunningServer {
  config: Config;
  app: FastifyInstance;
  services: AppServices;
  url: string;
  brokerUrl: string;
  broker: EmbeddedBroker | null;
  mqtt: ServerMqtt;
  /** Set only on the very first run when the admin password was generated. */
  initialAdminPassword: string | undefined;
  close(): Promise<void>;
}

/** Parts a test may substitute (e.g. a recording emergency starter for CAP tests). */
export interface ServerOverrides {
  emergencies?: EmergencyStarter;
}

const isAddrInUse = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

/** How long open HTTP connections may finish at shutdown before they are closed. */
const SHUTDOWN_GRACE_MS = 3_000;

/** Composes and starts everything: SQLite, embedded broker, the server's MQTT client, HTTP. */
export async function startServer(
  config: Config,
  log: Logger,
  clock: () => number = Date.now,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  mkdirSync(path.join(config.dataDir, 'tmp'), { recursive: true });
  const database = openDatabase(path.join(config.dataDir, 'nguon.sqlite'));
  const { db } = database;
  const scopes = createScopeQueries(db);
  // Issue 6: a receiver's move, group change or registration reaches its programme at once.
  const changes = createReceiverChanges((err) => log.warn({ err }, 'receiver change listener failed'));
  const units = createUnitsService({ db, scopes, changes });
  const devices = createDevicesService({ db, units, scopes, changes });
  const accounts = createAccountsService({ db, clock });
  const users = createUsersService({ db, scopes, accounts });
  const cleanups: Array<() => Promise<void> | void> = [() => database.close()];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };

  // Known for sure only once HTTP is bound (port 0 in tests); commands are sent only after that.
  let publicUrl = config.http.publicUrl ?? '';
  try {
    let broker: EmbeddedBroker | null = null;
    const serverUser = { username: 'nguon-server', password: randomBytes(24).toString('base64url') };
    if (config.mqtt.embedded) {
      broker = await startEmbeddedBroker({
        host: config.mqtt.host,
        port: config.mqtt.port,
        log: log.child({ module: 'broker' }),
        serverUser,
        verifyDevice: (id, secret) => devices.verify(id, secret),
        areaPathOf: (id) => {
          try {
            const d = devices.get(id);
            return d.revokedAt === null ? units.path(d.unitId) : null;
          } catch {
            return null; // a device deleted while connected: refuse its subscriptions
          }
        },
      }).catch((err) => {
        throw isAddrInUse(err) ? new PortInUseError('MQTT', config.mqtt.port, 'NGUON_MQTT_PORT') : err;
      });
      const b = broker;
      cleanups.push(() => b.close());
    }
    const brokerUrl = config.mqtt.url ?? `mqtt://127.0.0.1:${broker?.port}`;
    const mqttLog = log.child({ module: 'mqtt' });
    const mqtt =
      broker && !config.mqtt.url
        ? await attachServerMqtt(broker.aedes, mqttLog)
        : await connectServerMqtt({
            url: brokerUrl,
            username: config.mqtt.url ? config.mqtt.username : serverUser.username,
            password: config.mqtt.url ? config.mqtt.password : serverUser.password,
            log: mqttLog,
          });
    cleanups.push(() => mqtt.close());

    const tts = createTtsFromConfig(config.tts, log);
    cleanups.push(() => tts.close());
    const mediaLibrary = createMediaLibrary({ db, config, scopes, clock, log, tts: tts.service });
    const { media, jobs, library } = mediaLibrary;
    cleanups.push(() => mediaLibrary.close());
    const desired = createDesiredStateService({ devices, mqtt, clock });
    const groups = createGroupsService({ db, scopes, changes });
    // Only the embedded broker checks device secrets and can drop a session; an external broker keeps its
    // own credentials, so there rotate/revoke bind HTTP (media downloads) and not MQTT.
    const embedded = broker;
    const deviceLifecycle = createDeviceLifecycle({
      db,
      devices,
      groups,
      desired,
      disconnect: (deviceId) => embedded?.disconnect(deviceId) ?? false,
      clock,
      log: log.child({ module: 'devices' }),
    });
    const mediaFiles = createMediaRepository(db);
    const mediaRef = (sha: string) => {
      const m = mediaFiles.get(sha);
      return (
        m && {
          sha256: m.sha256,
          url: `${publicUrl}/api/v1/media/${sha}/file`,
          sizeBytes: m.sizeBytes,
          durationMs: m.durationMs,
        }
      );
    };
    const bulletins = createBulletinsService({ db, scopes, media: mediaFiles, clock });
    const scheduling = createScheduling({
      db,
      mqtt,
      scopes,
      units,
      devices,
      groups,
      bulletins,
      mediaRef,
      clock,
      log: log.child({ module: 'schedules' }),
    });
    const audit = createAuditService({ db, scopes });
    const uplink = createUplink({
      ...{ db, units, scopes, groups, devices, media, audit, clock },
      config: config.uplink,
      schedules: () => scheduling.schedules,
      // Composed below; called only once the server runs.
      emergencies: () => overrides.emergencies ?? emergency.service,
      log: log.child({ module: 'uplink' }),
    });
    cleanups.push(() => uplink.stop());
    // Monitoring and reports (issue 8): presence, health history, alerts, batched ingest.
    const playbackLogs = createPlaybackLogService({ db, clock });
    const monitoring = createMonitoring({
      db,
      sqlite: database.sqlite,
      scopes,
      config: config.monitoring,
      heartbeatTimeoutMs: config.devices.heartbeatTimeoutMs,
      clock,
      log: log.child({ module: 'monitoring' }),
      storeLog: (id, l) => void playbackLogs.ingest(id, l),
    });
    cleanups.push(() => monitoring.close());
    const live = createLiveFromConfig({ config, db, media, publicUrl: () => publicUrl, clock, log });
    const emergency = createEmergencyModule({
      ...{ db, mqtt, units, devices, scopes, audit, mediaRef, clock },
      publicUrl: () => publicUrl,
      liveStreamUrl: (id, via) => live.streamUrl(id, via),
      isOnline: (id) => monitoring.presence.get(id)?.state === 'online',
      log: log.child({ module: 'emergency' }),
    });
    cleanups.push(() => emergency.close());
    const cap = createCapModule({
      db,
      units,
      scopes,
      media,
      tts: tts.service,
      emergencies: overrides.emergencies ?? emergency.service,
      references: library.references,
      config: config.cap,
      clock,
      log: log.child({ module: 'cap' }),
    });
    const reports = createReports({
      sqlite: database.sqlite,
      scopes,
      transitions: monitoring.transitions,
      proof: scheduling.proof,
      emergencies: createEmergencyReportSource(database.sqlite),
      clock,
      flush: () => monitoring.writer.flush(),
    });
    const deviceEvents = createDeviceEventsService({
      db,
      clock,
      log: log.child({ module: 'device-events' }),
      retentionMs: config.devices.eventRetentionMs,
    });
    deviceEvents.startRetention(3_600_000);
    cleanups.push(() => deviceEvents.stopRetention());
    const services: AppServices = {
      monitoring,
      reports,
      ...scheduling,
      emergency,
      uplink,
      national: createNationalService({ db, media, clock }),
      cap: cap.service,
      capSenders: cap.senders,
      accounts,
      users,
      scopes,
      audit,
      units,
      devices,
      deviceStatus: createDeviceStatusService({ db, live: monitoring.presence }),
      desired,
      deviceLifecycle,
      groups,
      media,
      jobs,
      library,
      bulletins,
      playbackLogs,
      deviceEvents,
      commands: createCommandsService({
        db,
        mqtt,
        devices,
        desired,
        groups,
        units,
        media: mediaFiles,
        mediaUrl: (sha) => `${publicUrl}/api/v1/media/${sha}/file`,
        commandTtlMs: config.devices.commandTtlMs,
        clock,
        log: log.child({ module: 'commands' }),
      }),
      live,
    };
    const stopWiring = wireDeviceMessages({ mqtt, services, desired, config, log: log.child({ module: 'ingest' }) });
    cleanups.push(stopWiring);
    monitoring.wire(mqtt, (id) => {
      desired.publish(id).catch((err) => log.warn({ err, deviceId: id }, 'desired state not sent'));
    });
    monitoring.start();

    const { initialPassword } = await bootstrapData({ config, units, users, log });
    await mediaLibrary.start();

    const app = await buildApp({
      config,
      log,
      services,
      mqttUrlForDevices: () => config.mqtt.url ?? `mqtt://${new URL(publicUrl).hostname}:${broker?.port}`,
      clock,
      health: () => ({ mqttConnected: mqtt.connected(), devicesConnected: broker?.connectedCount() ?? null }),
    });
    cleanups.push(async () => {
      // Streams and downloads still open at shutdown (a receiver on a live mount, a keep-alive socket
      // the client never closed) get a short grace, then are cut, so a stop never hangs on them.
      const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      cut.unref();
      await app.close();
      clearTimeout(cut);
    });
    // A deep accept queue: thousands of receivers reconnect at once after an outage (live mounts, media).
    await app.listen({ host: config.http.host, port: config.http.port, backlog: 4096 }).catch((err) => {
      throw isAddrInUse(err) ? new PortInUseError('HTTP', config.http.port, 'NGUON_HTTP_PORT') : err;
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    publicUrl = publicUrlFor(config.http, port);
    // Playlists carry media URLs, so they are computed only once the public URL is known.
    cleanups.push(wireSchedules({ mqtt, ...scheduling, changes, log: log.child({ module: 'schedules' }) }));
    uplink.start();
    await emergency.resume();
    // Relay and file mounts come back under their ids (an emergency airing one keeps its URL); in the
    // background, since a relay may take seconds to answer.
    void services.live.restore().catch((err: unknown) => log.error({ err }, 'live mounts not restored'));
    return {
      config,
      app,
      services,
      url: `http://127.0.0.1:${port}`,
      brokerUrl,
      broker,
      mqtt,
      initialAdminPassword: initialPassword,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
