import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/db.js';
import {
  nationalBulletinDeliveries,
  nationalBulletins,
  nationalPlayLogs,
  nationalProvinces,
  nationalReceivers,
  nationalSchedules,
  nationalStations,
} from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { MediaService } from '../media/media.service.js';
import {
  fromPlayLog,
  fromStatusPing,
  NationalBulletinSchema,
  type PlayLogBatchSchema,
  type ScheduleBatchSchema,
  type StatusBatch,
} from '../uplink/vocabulary.js';
import { nationalOverview } from './national-overview.js';

export type Province = typeof nationalProvinces.$inferSelect;
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

export const ProvinceInputSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{1,20}$/, 'a province code: letters, digits, dash'),
  name: z.string().trim().min(1).max(200),
});

/** What the national operator publishes: the bulletin, its audio (already in this server's store), where. */
export const PublishSchema = NationalBulletinSchema.omit({
  BanTinID: true,
  TepAmThanh: true,
  DanhSachDiaBan: true,
  DanhSachThietBi: true,
}).extend({
  Sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256 of audio in the media library'),
  DanhSachTinh: z
    .array(
      z.object({
        MaTinh: z.string().min(1).max(20),
        DanhSachDiaBan: z.array(z.string().min(1).max(100)).max(1000).default([]),
        DanhSachThietBi: z.array(z.string().min(1).max(100)).max(1000).default([]),
      }),
    )
    .min(1)
    .max(100),
});

type Batch<S extends z.ZodType> = z.infer<S>;

/**
 * The national receiver of province pushes (national mode): federated provinces with hashed tokens,
 * their stations, receivers and last status, play logs de-duplicated by (province, key), schedules,
 * and the per-province queue of national bulletins the provinces pull.
 */
export function createNationalService(deps: { db: Db; media: MediaService; clock: () => number }) {
  const { db, clock } = deps;

  function touchStation(tx: Pick<Db, 'insert'>, p: Province, b: { NguonID: string; TenNguon: string }, now: number) {
    tx.insert(nationalStations)
      .values({ provinceId: p.id, stationId: b.NguonID, name: b.TenNguon, lastContactAt: now })
      .onConflictDoUpdate({
        target: [nationalStations.provinceId, nationalStations.stationId],
        set: { name: b.TenNguon, lastContactAt: now },
      })
      .run();
  }

  function checkSender(p: Province, b: { MaTinh?: string | undefined }) {
    if (b.MaTinh !== undefined && b.MaTinh !== p.code)
      throw new AppError('forbidden', `MaTinh ${b.MaTinh} does not match this token's province (${p.code})`);
  }

  return {
    createProvince(input: z.infer<typeof ProvinceInputSchema>) {
      if (db.select().from(nationalProvinces).where(eq(nationalProvinces.code, input.code)).get())
        throw new AppError('conflict', `province ${input.code} is already federated`);
      const token = randomBytes(32).toString('base64url');
      const p = db
        .insert(nationalProvinces)
        .values({ ...input, tokenHash: hashToken(token) })
        .returning()
        .get();
      const { tokenHash: _h, ...province } = p;
      return { province, token };
    },

    listProvinces() {
      return db
        .select({
          id: nationalProvinces.id,
          code: nationalProvinces.code,
          name: nationalProvinces.name,
          lastContactAt: nationalProvinces.lastContactAt,
          createdAt: nationalProvinces.createdAt,
        })
        .from(nationalProvinces)
        .orderBy(asc(nationalProvinces.code))
        .all();
    },

    /** The province a bearer token belongs to; every authenticated call counts as contact. */
    authenticate(token: string | undefined): Province | null {
      if (!token) return null;
      const p = db
        .select()
        .from(nationalProvinces)
        .where(eq(nationalProvinces.tokenHash, hashToken(token)))
        .get();
      if (!p) return null;
      const now = clock();
      db.update(nationalProvinces).set({ lastContactAt: now }).where(eq(nationalProvinces.id, p.id)).run();
      return { ...p, lastContactAt: now };
    },

    ingestStatus(p: Province, b: StatusBatch) {
      checkSender(p, b);
      const now = clock();
      db.transaction((tx) => {
        touchStation(tx, p, b, now);
        for (const ping of b.DanhSach) {
          const row = { ...fromStatusPing(ping), receivedAt: now, status: ping };
          tx.insert(nationalReceivers)
            .values({ provinceId: p.id, ...row })
            .onConflictDoUpdate({ target: [nationalReceivers.provinceId, nationalReceivers.receiverId], set: row })
            .run();
        }
      });
      return { DaNhan: b.DanhSach.length, TrungLap: 0 };
    },

    ingestPlayLogs(p: Province, b: Batch<typeof PlayLogBatchSchema>) {
      checkSender(p, b);
      const now = clock();
      const stored = db.transaction((tx) => {
        touchStation(tx, p, b, now);
        let n = 0;
        for (const log of b.DanhSach) {
          n += tx
            .insert(nationalPlayLogs)
            .values({ provinceId: p.id, ...fromPlayLog(log), receivedAt: now, log })
            .onConflictDoNothing()
            .run().changes;
        }
        return n;
      });
      return { DaNhan: stored, TrungLap: b.DanhSach.length - stored };
    },

    ingestSchedules(p: Province, b: Batch<typeof ScheduleBatchSchema>) {
      checkSender(p, b);
      const now = clock();
      db.transaction((tx) => {
        touchStation(tx, p, b, now);
        for (const s of b.DanhSach) {
          const row = { revision: s.PhienBan, receivedAt: now, schedule: s };
          tx.insert(nationalSchedules)
            .values({ provinceId: p.id, scheduleId: s.LichPhatID, ...row })
            .onConflictDoUpdate({
              target: [nationalSchedules.provinceId, nationalSchedules.scheduleId],
              set: row,
              setWhere: sql`excluded.revision >= ${nationalSchedules.revision}`,
            })
            .run();
        }
      });
      return { DaNhan: b.DanhSach.length, TrungLap: 0 };
    },

    overview: () => nationalOverview(db, clock()),

    async publish(input: z.infer<typeof PublishSchema>, createdBy: number | null) {
      const located = await deps.media.locate(input.Sha256);
      if (!located) throw new AppError('unprocessable', `no audio ${input.Sha256} in the media library`);
      const provinces = input.DanhSachTinh.map((t) => {
        const p = db.select().from(nationalProvinces).where(eq(nationalProvinces.code, t.MaTinh)).get();
        if (!p) throw new AppError('unprocessable', `province ${t.MaTinh} is not federated`);
        return { p, t };
      });
      const { Sha256, DanhSachTinh: _t, ...meta } = input;
      const id = randomUUID();
      const message = {
        ...meta,
        BanTinID: id,
        TepAmThanh: { Sha256, KichThuoc: located.sizeBytes, ThoiLuong: located.file.durationMs / 1000 },
      };
      db.transaction((tx) => {
        tx.insert(nationalBulletins).values({ id, sha256: Sha256, message, createdBy }).run();
        for (const { p, t } of provinces)
          tx.insert(nationalBulletinDeliveries)
            .values({
              bulletinId: id,
              provinceId: p.id,
              message: { ...message, DanhSachDiaBan: t.DanhSachDiaBan, DanhSachThietBi: t.DanhSachThietBi },
            })
            .run();
      });
      return { id, provinces: provinces.map(({ p }) => p.code), message };
    },

    /** What is queued for the province after `since` (the last ThuTu it processed), oldest first. */
    pull(p: Province, since: number) {
      const rows = db
        .select()
        .from(nationalBulletinDeliveries)
        .where(and(eq(nationalBulletinDeliveries.provinceId, p.id), gt(nationalBulletinDeliveries.seq, since)))
        .orderBy(asc(nationalBulletinDeliveries.seq))
        .limit(20)
        .all();
      const now = clock();
      for (const r of rows)
        if (r.fetchedAt === null)
          db.update(nationalBulletinDeliveries)
            .set({ fetchedAt: now })
            .where(eq(nationalBulletinDeliveries.seq, r.seq))
            .run();
      return { DanhSach: rows.map((r) => ({ ThuTu: r.seq, BanTin: r.message })) };
    },

    /** The audio of a bulletin delivered to this province (and only to it). */
    async audio(p: Province, id: string) {
      const d = db
        .select({ sha256: nationalBulletins.sha256 })
        .from(nationalBulletinDeliveries)
        .innerJoin(nationalBulletins, eq(nationalBulletins.id, nationalBulletinDeliveries.bulletinId))
        .where(and(eq(nationalBulletinDeliveries.bulletinId, id), eq(nationalBulletinDeliveries.provinceId, p.id)))
        .get();
      if (!d) throw notFound(`national bulletin ${id}`);
      const located = await deps.media.locate(d.sha256);
      if (!located) throw new AppError('unavailable', 'the bulletin audio is missing from the store');
      return located;
    },
  };
}
export type NationalService = ReturnType<typeof createNationalService>;
