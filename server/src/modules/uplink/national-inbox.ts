import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ScheduleInputSchema, type ScheduleTarget } from '@nguon/schemas';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { Db } from '../../db/db.js';
import { bulletins, bulletinVersions, schedules, uplinkNationalBulletins } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import type { AuthUser } from '../accounts/accounts.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { EmergencyStarter } from '../emergency/emergency.types.js';
import type { MediaService } from '../media/media.service.js';
import type { SchedulesService } from '../schedules/schedules.service.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { StationInfo } from './collect.js';
import type { Outbox } from './outbox.js';
import { type UplinkClient, UplinkHttpError } from './sender.js';
import {
  BulletinPullSchema,
  fromNationalBulletin,
  type NationalBulletin,
  NationalBulletinSchema,
} from './vocabulary.js';

/** A refusal that retrying cannot fix (bad target, wrong audio): recorded as failed, the queue moves on. */
function isPermanent(err: unknown): boolean {
  if (err instanceof AppError) return err.status < 500 && err.code !== 'too_many_requests';
  if (err instanceof ZodError) return true;
  if (err instanceof UplinkHttpError) return err.status >= 400 && err.status < 500 && ![408, 429].includes(err.status);
  return false;
}

/**
 * Province side of national bulletins coming down (pull, simpler through NAT): each is stored as an
 * approved bulletin of the national unit (national origin, its MucDoUuTien), its audio fetched, checked
 * against its sha256 and passed through the media pipeline, then scheduled for the targets given with
 * the schedules service, whose priority rules rank it. Idempotent by national bulletin id.
 */
export function createNationalInbox(deps: {
  db: Db;
  outbox: Outbox;
  units: UnitsService;
  scopes: ScopeQueries;
  devices: DevicesService;
  media: MediaService;
  schedules: () => SchedulesService;
  /** Starts national emergency-level bulletins (MucDoUuTien 1) at once; resolved lazily (composed later). */
  emergencies: () => EmergencyStarter;
  audit: AuditService;
  station: () => StationInfo;
  clock: () => number;
  log: Logger;
}) {
  const { db, clock, log } = deps;

  /** The national unit schedules of national origin belong to (created if the tree has none). */
  function nationalUnit() {
    const found = deps.units.list().find((u) => u.level === 'national');
    return found ?? deps.units.create({ code: 'VN', name: 'Trung ương', level: 'national' });
  }

  function targetsOf(m: NationalBulletin, station: StationInfo): ScheduleTarget[] {
    const targets: ScheduleTarget[] = [];
    for (const code of m.DanhSachDiaBan) {
      const u = deps.units.byCode(code);
      if (!u || !deps.scopes.contains(station.unitId, u.id))
        throw new AppError('unprocessable', `DanhSachDiaBan: unit ${code} is not in this province`);
      targets.push({ unit: code });
    }
    for (const id of m.DanhSachThietBi) {
      const d = (() => {
        try {
          return deps.devices.get(id);
        } catch {
          return undefined;
        }
      })();
      if (!d || !deps.scopes.contains(station.unitId, d.unitId))
        throw new AppError('unprocessable', `DanhSachThietBi: receiver ${id} is not in this province`);
      targets.push({ device: id });
    }
    const code = deps.units.get(station.unitId)?.code;
    return targets.length > 0 || !code ? targets : [{ unit: code }];
  }

  async function fetchAudio(client: UplinkClient, m: NationalBulletin, unitId: number, signal: AbortSignal) {
    const bytes = await client.download(`/v1/bulletins/${encodeURIComponent(m.BanTinID)}/audio`, signal);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== m.TepAmThanh.Sha256)
      throw new AppError('unprocessable', `the audio's sha256 is ${sha}, the message says ${m.TepAmThanh.Sha256}`);
    const tempPath = deps.media.tempPath('.national');
    try {
      await mkdir(path.dirname(tempPath), { recursive: true });
      await writeFile(tempPath, bytes);
      return await deps.media.ingest({ tempPath, originalName: `${m.BanTinID}.mp3`, unitId, createdBy: null });
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  /** Stores the approved bulletin and its national id in one transaction (a retry finds it). */
  function storeBulletin(m: NationalBulletin, unitId: number, file: { sha256: string; durationMs: number }) {
    const plan = fromNationalBulletin(m, clock());
    const now = clock();
    return db.transaction((tx) => {
      const b = tx.insert(bulletins).values({ unitId, createdBy: null }).returning().get();
      tx.insert(bulletinVersions)
        .values({
          ...plan.content,
          bulletinId: b.id,
          version: 1,
          // Approved at the national level before it was sent: national content is not re-approved here.
          state: 'approved',
          items: [{ sha256: file.sha256, title: m.TieuDe, durationMs: file.durationMs }],
          durationMs: file.durationMs,
          decidedAt: now,
        })
        .run();
      tx.insert(uplinkNationalBulletins)
        .values({ nationalId: m.BanTinID, state: 'received', bulletinId: b.id, payload: m, receivedAt: now })
        .run();
      return b.id;
    });
  }

  async function schedule(m: NationalBulletin, bulletinId: number, unitId: number, targets: ScheduleTarget[]) {
    const existing = db.select().from(schedules).where(eq(schedules.bulletinId, bulletinId)).get();
    if (existing) return existing.id;
    const plan = fromNationalBulletin(m, clock());
    const actor: AuthUser = {
      id: 0,
      username: 'national-link',
      displayName: 'Liên kết trung ương',
      role: 'admin',
      unitId,
    };
    const input = ScheduleInputSchema.parse({
      title: m.TieuDe,
      bulletinId,
      recurrence: plan.recurrence,
      ...(plan.repeat ? { repeat: plan.repeat } : {}),
      targets,
      // The priority rules (Thông tư 39) decide what yields; national content is never refused for overlap.
      acceptConflicts: true,
    });
    const { schedule: s } = await deps.schedules().create(actor, { all: true, unitId }, unitId, input);
    db.update(schedules).set({ createdBy: null }).where(eq(schedules.id, s.id)).run();
    return s.id;
  }

  /**
   * Mission §3 (Thông tư 39/2020): emergency level is played immediately, interrupting everything; so a
   * national MucDoUuTien 1 bulletin does not wait in the programme as a schedule, it starts an emergency
   * on its targets now, whatever start time it names. The audio plays SoLanPhat times.
   */
  async function startEmergency(
    m: NationalBulletin,
    file: { sha256: string; durationMs: number },
    targets: ScheduleTarget[],
  ) {
    const station = deps.station();
    const unitIds: number[] = [];
    const deviceIds: string[] = [];
    for (const t of targets) {
      if ('unit' in t) {
        const u = deps.units.byCode(t.unit);
        if (u) unitIds.push(u.id);
      } else if ('device' in t) deviceIds.push(t.device);
    }
    const repeat = Math.min(20, m.LichPhat.SoLanPhat);
    const now = clock();
    const validMs = Math.min(24 * 3_600_000 - 60_000, Math.max(30 * 60_000, repeat * file.durationMs + 10 * 60_000));
    return deps.emergencies().start(
      {
        title: m.TieuDe,
        targets: { unitIds, deviceIds },
        source: { kind: 'media', sha256: file.sha256 },
        repeat,
        expiresAt: now + validMs,
        origin: 'national',
      },
      { userId: null, unitId: station.unitId, label: 'national-link' },
    );
  }

  function storedFile(bulletinId: number) {
    const v = db.select().from(bulletinVersions).where(eq(bulletinVersions.bulletinId, bulletinId)).get();
    const item = v?.items[0];
    if (!item) throw new AppError('internal', `national bulletin ${bulletinId} has no audio`);
    return { sha256: item.sha256, durationMs: item.durationMs };
  }

  async function receive(client: UplinkClient, m: NationalBulletin, signal: AbortSignal) {
    const known = db
      .select()
      .from(uplinkNationalBulletins)
      .where(eq(uplinkNationalBulletins.nationalId, m.BanTinID))
      .get();
    if (known && known.state !== 'received') return;
    const station = deps.station();
    const unit = nationalUnit();
    try {
      const targets = targetsOf(m, station);
      const bulletinId = known?.bulletinId ?? storeBulletin(m, unit.id, await fetchAudio(client, m, unit.id, signal));
      if (m.MucDoUuTien === 1) {
        const started = await startEmergency(m, storedFile(bulletinId), targets);
        db.update(uplinkNationalBulletins)
          .set({ state: 'emergency' })
          .where(eq(uplinkNationalBulletins.nationalId, m.BanTinID))
          .run();
        audit(m.BanTinID, 'ok', { bulletinId, emergencyId: started.id, targeted: started.targeted, priority: 1 });
        log.warn({ nationalId: m.BanTinID, bulletinId, emergencyId: started.id }, 'national emergency started');
        return;
      }
      const scheduleId = await schedule(m, bulletinId, unit.id, targets);
      db.update(uplinkNationalBulletins)
        .set({ state: 'scheduled', scheduleId })
        .where(eq(uplinkNationalBulletins.nationalId, m.BanTinID))
        .run();
      audit(m.BanTinID, 'ok', { bulletinId, scheduleId, priority: m.MucDoUuTien });
      log.info({ nationalId: m.BanTinID, bulletinId, scheduleId }, 'national bulletin scheduled');
    } catch (err) {
      if (!isPermanent(err)) throw err;
      refuse(m.BanTinID, m, err instanceof Error ? err.message : String(err));
    }
  }

  /** Each reception is audited, the system acting for the national level (no HTTP request carries it). */
  function audit(nationalId: string, outcome: string, details: Record<string, unknown>) {
    deps.audit.record({
      at: clock(),
      actorName: 'national-link',
      action: 'national.bulletin.receive',
      targetType: 'bulletin',
      targetId: nationalId,
      targetUnitId: deps.station().unitId,
      outcome,
      details,
    });
  }

  /** A permanent refusal: recorded with its reason (shown in the uplink status) and audited. */
  function refuse(nationalId: string, payload: unknown, error: string) {
    db.insert(uplinkNationalBulletins)
      .values({ nationalId, state: 'failed', error, payload: payload ?? null, receivedAt: clock() })
      .onConflictDoUpdate({ target: uplinkNationalBulletins.nationalId, set: { state: 'failed', error } })
      .run();
    audit(nationalId, 'failed', { error });
    log.warn({ nationalId, error }, 'national bulletin refused');
  }

  return {
    /** Pulls what the national side queued for this province since the cursor, in order. */
    async pull(client: UplinkClient, signal: AbortSignal): Promise<void> {
      const since = Number(deps.outbox.getState('bulletinSeq') ?? 0);
      const res = BulletinPullSchema.parse(await client.get(`/v1/bulletins?since=${since}`, signal));
      for (const item of res.DanhSach) {
        const m = NationalBulletinSchema.safeParse(item.BanTin);
        if (m.success) await receive(client, m.data, signal);
        else {
          const id = (item.BanTin as { BanTinID?: unknown } | null)?.BanTinID;
          const reason = m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
          refuse(typeof id === 'string' && id ? id : `ThuTu-${item.ThuTu}`, item.BanTin, reason);
        }
        deps.outbox.setState('bulletinSeq', String(item.ThuTu));
      }
    },

    summary() {
      const rows = db
        .select({
          state: uplinkNationalBulletins.state,
          id: uplinkNationalBulletins.nationalId,
          error: uplinkNationalBulletins.error,
        })
        .from(uplinkNationalBulletins)
        .all();
      return {
        cursor: Number(deps.outbox.getState('bulletinSeq') ?? 0),
        scheduled: rows.filter((r) => r.state === 'scheduled').length,
        /** Emergency-level bulletins started as emergencies. */
        emergencies: rows.filter((r) => r.state === 'emergency').length,
        failed: rows.filter((r) => r.state === 'failed').map((r) => ({ id: r.id, error: r.error })),
      };
    },
  };
}
export type NationalInbox = ReturnType<typeof createNationalInbox>;
