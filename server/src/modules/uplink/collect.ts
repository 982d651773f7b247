import type { Health, Recurrence, ScheduleTarget } from '@nguon/schemas';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import {
  bulletinVersions,
  deviceStatus,
  devices,
  mediaFiles,
  playbackLogs,
  playlistItems,
  schedules,
  units,
  uplinkNationalBulletins,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { Outbox } from './outbox.js';
import { type BulletinMeta, type Station, toPlayLog, toScheduleWire, toStatusPing } from './vocabulary.js';

export interface StationInfo extends Station {
  unitId: number;
  level: string;
}

/** The station this server reports as: the configured unit, else the first province-level unit. */
export function resolveStation(
  unitsService: UnitsService,
  cfg: {
    unitCode?: string | undefined;
    stationId?: string | undefined;
    stationName?: string | undefined;
    provinceCode?: string | undefined;
  },
): StationInfo {
  const unit = cfg.unitCode
    ? unitsService.byCode(cfg.unitCode)
    : unitsService.list().find((u) => u.level === 'province');
  if (!unit)
    throw new AppError('unavailable', `the uplink's station unit ${cfg.unitCode ?? '(a province)'} does not exist`);
  return {
    unitId: unit.id,
    level: unit.level,
    stationId: cfg.stationId ?? unit.code,
    stationName: cfg.stationName ?? unit.name,
    provinceCode: cfg.provinceCode ?? unit.code,
  };
}

/** Reads our tables and queues what the national system should know, in its vocabulary. */
export function createCollector(deps: {
  db: Db;
  outbox: Outbox;
  scopes: ScopeQueries;
  groups: GroupsService;
  station: () => StationInfo;
  clock: () => number;
}) {
  const { db, outbox } = deps;

  function bulletinMeta(bulletinId: number, version?: number): BulletinMeta | null {
    const where = version
      ? and(eq(bulletinVersions.bulletinId, bulletinId), eq(bulletinVersions.version, version))
      : and(eq(bulletinVersions.bulletinId, bulletinId), eq(bulletinVersions.state, 'approved'));
    const v = db.select().from(bulletinVersions).where(where).orderBy(sql`version DESC`).get();
    if (!v) return null;
    const national = db
      .select({ id: uplinkNationalBulletins.nationalId })
      .from(uplinkNationalBulletins)
      .where(eq(uplinkNationalBulletins.bulletinId, bulletinId))
      .get();
    return { ...v, id: bulletinId, nationalId: national?.id ?? null };
  }

  /** What a receiver plays (schedule item or direct play), for NoiDungPhat and ThoiDiemBatDau. */
  function playingOf(deviceId: string, playing: { playId: string; sha256: string }) {
    const item = db
      .select({ bulletinId: playlistItems.bulletinId, version: playlistItems.bulletinVersion })
      .from(playlistItems)
      .where(and(eq(playlistItems.deviceId, deviceId), eq(playlistItems.occurrenceKey, playing.playId)))
      .get();
    const title =
      (item && bulletinMeta(item.bulletinId, item.version)?.title) ??
      db.select({ n: mediaFiles.originalName }).from(mediaFiles).where(eq(mediaFiles.sha256, playing.sha256)).get()
        ?.n ??
      playing.sha256.slice(0, 12);
    const started = db
      .select({ at: playbackLogs.startedAt })
      .from(playbackLogs)
      .where(and(eq(playbackLogs.playId, playing.playId), eq(playbackLogs.event, 'started')))
      .get();
    return { title, startedAt: started?.at ?? null };
  }

  function stationDeviceIds(station: StationInfo) {
    return deps.scopes.subtreeIds(station.unitId);
  }

  return {
    /** One coalesced status row per receiver; a receiver that said nothing new is not queued again. */
    snapshotStatuses(): number {
      const station = deps.station();
      const now = deps.clock();
      const rows = db
        .select({ device: devices, status: deviceStatus, unit: { code: units.code, name: units.name } })
        .from(devices)
        .innerJoin(units, eq(units.id, devices.unitId))
        .leftJoin(deviceStatus, eq(deviceStatus.deviceId, devices.id))
        .where(and(isNull(devices.revokedAt), inArray(devices.unitId, stationDeviceIds(station))))
        .all();
      db.transaction(() => {
        for (const r of rows) {
          const health = (r.status?.health as Health | null) ?? null;
          const status = r.status && { ...r.status, health };
          const playing = health?.playing && r.status?.online ? playingOf(r.device.id, health.playing) : null;
          const ping = toStatusPing(station, { device: r.device, unit: r.unit, status, playing });
          const fingerprint = JSON.stringify([r.status?.lastSeenAt, r.status?.online, r.device.name, r.unit.code]);
          outbox.put('status', r.device.id, fingerprint, ping, now);
        }
      });
      return rows.length;
    },

    /** Queues playback logs stored since the cursor (SQLite rowid), cursor and rows in one transaction. */
    queuePlayLogs(limit = 2000): number {
      const station = deps.station();
      const unitIds = new Set(stationDeviceIds(station));
      return db.transaction(() => {
        const after = Number(outbox.getState('playlogRowid') ?? 0);
        const logs = db
          .select({ rowid: sql<number>`${playbackLogs}.rowid`, log: playbackLogs, unitId: devices.unitId })
          .from(playbackLogs)
          .innerJoin(devices, eq(devices.id, playbackLogs.deviceId))
          .where(gt(sql`${playbackLogs}.rowid`, after))
          .orderBy(asc(sql`${playbackLogs}.rowid`))
          .limit(limit)
          .all();
        const now = deps.clock();
        for (const { log, unitId } of logs) {
          if (!unitIds.has(unitId)) continue;
          const item = db
            .select({
              bulletinId: playlistItems.bulletinId,
              version: playlistItems.bulletinVersion,
              scheduleId: playlistItems.scheduleId,
            })
            .from(playlistItems)
            .where(and(eq(playlistItems.deviceId, log.deviceId), eq(playlistItems.occurrenceKey, log.playId)))
            .get();
          const owner =
            item &&
            db
              .select({ level: units.level })
              .from(schedules)
              .innerJoin(units, eq(units.id, schedules.unitId))
              .where(eq(schedules.id, item.scheduleId))
              .get();
          const media = db
            .select({ n: mediaFiles.originalName })
            .from(mediaFiles)
            .where(eq(mediaFiles.sha256, log.sha256))
            .get();
          const wire = toPlayLog({
            log,
            bulletin: item ? bulletinMeta(item.bulletinId, item.version) : null,
            originLevel: owner?.level ?? null,
            stationLevel: station.level,
            fallbackTitle: media?.n ?? log.sha256.slice(0, 12),
            volume: null,
          });
          outbox.append('playlog', log.id, wire, now);
        }
        if (logs.length > 0) outbox.setState('playlogRowid', String(logs[logs.length - 1]!.rowid));
        return logs.length;
      });
    },

    /** Schedules of the station's units; re-queued when their revision or state changes. */
    snapshotSchedules(): number {
      const station = deps.station();
      const now = deps.clock();
      const rows = db
        .select({ s: schedules, level: units.level })
        .from(schedules)
        .innerJoin(units, eq(units.id, schedules.unitId))
        .all()
        // National-origin schedules are owned by the national unit above the station: reported too.
        .filter((r) => deps.scopes.contains(station.unitId, r.s.unitId) || r.level === 'national');
      let queued = 0;
      db.transaction(() => {
        for (const { s, level } of rows) {
          const bulletin = bulletinMeta(s.bulletinId);
          if (!bulletin) continue;
          const targets = s.targets as ScheduleTarget[];
          const deviceIds = targets.flatMap((t) =>
            'device' in t ? [t.device] : 'group' in t ? deps.groups.devicesOf(t.group) : [],
          );
          const wire = toScheduleWire({
            schedule: { ...s, recurrence: s.recurrence as Recurrence, targets },
            originLevel: level,
            bulletin,
            deviceIds,
          });
          outbox.put('schedule', String(s.id), `${s.revision}:${s.state}:${bulletin.title}`, wire, now);
          queued++;
        }
      });
      return queued;
    },
  };
}
export type Collector = ReturnType<typeof createCollector>;
