/**
 * The national link's wire format, in the Vietnamese field vocabulary deployed receivers and provincial
 * systems use (mission.md §3), and the pure mapping between it and our own rows. This is the only file
 * that knows those names; both directions are here so the province and the national side agree.
 */
import type { Health, PriorityCode, Recurrence, ScheduleTarget } from '@nguon/schemas';
import { z } from 'zod';

export const WIRE_VERSION = 1;
/** What deployed systems name the kind of receiver and its maker; ours are Nguồn agents. */
export const DEVICE_KIND = 'Cụm thu phát thanh IP';
export const VENDOR = { code: 'NGUON', name: 'Nguồn (phần mềm nguồn mở)' } as const;

const Iso = z.iso.datetime({ offset: true });
const Id = z.string().trim().min(1).max(100);
const Name = z.string().max(300);
const Code16 = z.number().int().min(1).max(6);
const Priority = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** TrangThaiHoatDong: 0 mất kết nối (offline), 1 sẵn sàng (online, idle), 2 đang phát (playing). */
export const OPERATING = { offline: 0, ready: 1, playing: 2 } as const;

export const StatusPingSchema = z.object({
  NguonID: Id,
  TenNguon: Name,
  /** The receiver's unit (commune) code and name. */
  DichID: Id,
  TenDich: Name,
  CumLoaID: Id,
  TenThietBi: Name,
  TenLoaiThietBi: Name,
  MaNhaCungCap: z.string().max(64),
  TenNhaCungCap: Name,
  AmLuong: z.number().int().min(0).max(100).nullable(),
  TrangThaiHoatDong: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  /** Link type and signal as deployed systems write it: "4G,-85dbm", "WiFi,-60dbm", "Ethernet". */
  TrangThaiKetNoi: z.string().max(64),
  ViDo: z.number().min(-90).max(90).nullable(),
  KinhDo: z.number().min(-180).max(180).nullable(),
  ThongTinThietBi: z.object({
    /** Amplifier: 1 on, 0 off, null unknown (receivers do not measure watts). */
    CongSuat: z.number().min(0).max(1).nullable(),
    /** °C, CPU or enclosure. */
    NhietDo: z.number().min(-60).max(150).nullable(),
    /** Storage used, percent. */
    DungLuongSuDung: z.number().min(0).max(100).nullable(),
  }),
  /** Start of what it is playing; when idle, since when it has been online. */
  ThoiDiemBatDau: Iso.nullable(),
  NoiDungPhat: z.string().max(500).nullable(),
  PhienBanUngDung: z.string().max(40).nullable(),
  /** When the province last heard from the receiver; null: never. */
  ThoiDiemCapNhat: Iso.nullable(),
});
export type StatusPing = z.infer<typeof StatusPingSchema>;

export const PlayLogSchema = z.object({
  /** Idempotency key: the province's log id; the national side stores each key once. */
  NhatKyID: Id,
  CumLoaID: Id,
  BanTinID: z.string().max(100).nullable(),
  LoaiBanTin: Code16.nullable(),
  MucDoUuTien: Priority.nullable(),
  TieuDe: Name,
  LoaiLinhVuc: Code16.nullable(),
  NoiDungTomTat: z.string().max(2000),
  ThoiGianSanXuat: Iso.nullable(),
  /** Seconds: the bulletin's length. */
  ThoiLuong: z.number().nonnegative().nullable(),
  TacGia: z.string().max(200),
  ThoiDiemBatDau: Iso.nullable(),
  ThoiDiemKetThuc: Iso.nullable(),
  /** Seconds actually played. */
  ThoiLuongDaPhat: z.number().nonnegative().nullable(),
  /** started | finished | stopped | interrupted | failed | skipped. */
  SuKien: z.enum(['started', 'finished', 'stopped', 'interrupted', 'failed', 'skipped']),
  LyDo: z.string().max(500).nullable(),
  /** Relayed content from a higher level (national or another source), and from where. */
  TiepAm: z.boolean(),
  NguonTiepAm: z.string().max(300).nullable(),
  NguonTin: z.string().max(300),
  AmLuong: z.number().int().min(0).max(100).nullable(),
});
export type PlayLogWire = z.infer<typeof PlayLogSchema>;

const BulletinRefSchema = z.object({
  BanTinID: Id,
  TieuDe: Name,
  MucDoUuTien: Priority,
  ThoiLuong: z.number().nonnegative(),
});

export const ScheduleWireSchema = z.object({
  LichPhatID: Id,
  PhienBan: z.number().int().min(0),
  TenLichPhat: Name,
  TrangThai: z.enum(['active', 'paused', 'cancelled']),
  /** once (ThoiDiem) | daily (Gio) | weekly (Thu, Gio) | cron (BieuThuc), Vietnam time. */
  KieuLap: z.object({
    Loai: z.enum(['once', 'daily', 'weekly', 'cron']),
    ThoiDiem: z.string().max(40).optional(),
    Gio: z.string().max(5).optional(),
    Thu: z.array(z.number().int().min(1).max(7)).max(7).optional(),
    BieuThuc: z.string().max(100).optional(),
  }),
  NgayBatDau: z.string().max(10).nullable(),
  NgayKetThuc: z.string().max(10).nullable(),
  /** Level of the unit that owns it: national, province, district, commune. */
  CapNguon: z.string().max(20),
  DanhSachBanTin: z.array(BulletinRefSchema).max(50),
  DanhSachDiaBan: z.array(Id).max(1000),
  DanhSachThietBi: z.array(Id).max(20_000),
});
export type ScheduleWire = z.infer<typeof ScheduleWireSchema>;

/** Every upward batch: who sends (the station, NguonID) and the items. */
const batch = <T extends z.ZodType>(item: T, max: number) =>
  z.object({
    PhienBan: z.literal(WIRE_VERSION),
    NguonID: Id,
    TenNguon: Name,
    /** The sender's province code; must match the token's province when given. */
    MaTinh: z.string().max(20).optional(),
    ThoiDiemGui: Iso,
    DanhSach: z.array(item).min(1).max(max),
  });
export const MAX_BATCH = 500;
export const StatusBatchSchema = batch(StatusPingSchema, MAX_BATCH);
export const PlayLogBatchSchema = batch(PlayLogSchema, MAX_BATCH);
export const ScheduleBatchSchema = batch(ScheduleWireSchema, MAX_BATCH);
export type StatusBatch = z.infer<typeof StatusBatchSchema>;
export const BatchReplySchema = z.object({ DaNhan: z.number().int(), TrungLap: z.number().int() });

/** A national bulletin coming down to a province. */
export const NationalBulletinSchema = z.object({
  BanTinID: Id,
  LoaiBanTin: Code16.default(3),
  MucDoUuTien: Priority,
  TieuDe: z.string().trim().min(1).max(200),
  LoaiLinhVuc: Code16.default(1),
  NoiDungTomTat: z.string().max(2000).default(''),
  ThoiGianSanXuat: Iso.optional(),
  TacGia: z.string().max(120).default(''),
  NguonTin: z.string().max(200).default(''),
  TepAmThanh: z.object({
    Sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256'),
    KichThuoc: z.number().int().positive(),
    ThoiLuong: z.number().nonnegative(),
  }),
  LichPhat: z.object({
    ThoiDiemBatDau: Iso,
    SoLanPhat: z.number().int().min(1).max(24).default(1),
    KhoangCachPhut: z.number().int().min(1).max(720).default(30),
  }),
  /** Unit codes within the province; empty (with no receivers either): the whole province. */
  DanhSachDiaBan: z.array(Id).max(1000).default([]),
  DanhSachThietBi: z.array(Id).max(1000).default([]),
});
export type NationalBulletin = z.infer<typeof NationalBulletinSchema>;
/** Each BanTin is checked on its own (NationalBulletinSchema), so one bad message cannot block the queue. */
export const BulletinPullSchema = z.object({
  DanhSach: z.array(z.object({ ThuTu: z.number().int().positive(), BanTin: z.unknown() })).max(100),
});

// ---------------------------------------------------------------- ours → wire

export interface Station {
  stationId: string;
  stationName: string;
  provinceCode?: string | undefined;
}

export interface ReceiverFacts {
  device: { id: string; name: string; lat: number | null; lon: number | null; volume: number; muted: boolean };
  unit: { code: string; name: string };
  status: {
    online: boolean;
    changedAt: number;
    lastSeenAt: number;
    agentVersion: string | null;
    health: Health | null;
  } | null;
  /** What it is playing (title and start), when the health says it plays. */
  playing: { title: string; startedAt: number | null } | null;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const ACCESS_TECH: Record<string, string> = { gsm: '2G', umts: '3G', hspa: '3G', lte: '4G', nr: '5G', '5gnr': '5G' };

/** "4G,-85dbm" | "WiFi,-60dbm" | "Ethernet" | "" (unknown). */
export function linkText(link: Health['link'] | undefined): string {
  if (!link || link.type === 'unknown') return '';
  const name =
    link.type === 'ethernet'
      ? 'Ethernet'
      : link.type === 'wifi'
        ? 'WiFi'
        : (ACCESS_TECH[(link.accessTech ?? '').toLowerCase()] ?? 'Di động');
  return link.signalDbm === null || link.type === 'ethernet' ? name : `${name},${Math.round(link.signalDbm)}dbm`;
}

export function toStatusPing(station: Station, r: ReceiverFacts): StatusPing {
  const h = r.status?.health ?? null;
  const online = r.status?.online ?? false;
  const playing = online && h?.playing ? r.playing : null;
  const state = !online ? OPERATING.offline : playing || h?.playing ? OPERATING.playing : OPERATING.ready;
  const volume = h ? (h.muted ? 0 : h.volume) : r.device.muted ? 0 : r.device.volume;
  return {
    NguonID: station.stationId,
    TenNguon: station.stationName,
    DichID: r.unit.code,
    TenDich: r.unit.name,
    CumLoaID: r.device.id,
    TenThietBi: r.device.name,
    TenLoaiThietBi: DEVICE_KIND,
    MaNhaCungCap: VENDOR.code,
    TenNhaCungCap: VENDOR.name,
    AmLuong: volume,
    TrangThaiHoatDong: state,
    TrangThaiKetNoi: online ? linkText(h?.link) : '',
    ViDo: r.device.lat,
    KinhDo: r.device.lon,
    ThongTinThietBi: {
      CongSuat: h?.amplifierOn === true ? 1 : h?.amplifierOn === false ? 0 : null,
      NhietDo: h?.cpuTempC ?? null,
      DungLuongSuDung: h?.diskUsedPct ?? null,
    },
    ThoiDiemBatDau: iso(playing?.startedAt ?? (online ? r.status?.changedAt : null)),
    NoiDungPhat: playing?.title ?? null,
    PhienBanUngDung: r.status?.agentVersion ?? h?.agentVersion ?? null,
    ThoiDiemCapNhat: iso(r.status?.lastSeenAt),
  };
}

export interface BulletinMeta {
  id: number;
  /** Set when the bulletin came from the national level: its national id goes back up unchanged. */
  nationalId?: string | null;
  type: number;
  field: number;
  priority: number;
  title: string;
  summary: string;
  author: string;
  producedAt: number;
  durationMs: number;
  source: string;
}

export interface PlayFacts {
  log: {
    id: string;
    deviceId: string;
    event: string;
    startedAt: number | null;
    endedAt: number | null;
    playedMs: number | null;
    reason: string | null;
  };
  bulletin: BulletinMeta | null;
  /** Level of the unit owning the schedule it played for (null: an operator's direct play). */
  originLevel: string | null;
  /** The station's own level: content from above it is relayed (TiepAm). */
  stationLevel: string;
  /** Title when no bulletin is known (a direct play of a library file). */
  fallbackTitle: string;
  volume: number | null;
}

const LEVEL_RANK: Record<string, number> = { national: 0, province: 1, district: 2, commune: 3 };
const LEVEL_NAME: Record<string, string> = {
  national: 'Hệ thống thông tin nguồn trung ương',
  province: 'Hệ thống thông tin nguồn tỉnh',
};

export function toPlayLog(p: PlayFacts): PlayLogWire {
  const b = p.bulletin;
  const relayed = p.originLevel !== null && (LEVEL_RANK[p.originLevel] ?? 9) < (LEVEL_RANK[p.stationLevel] ?? 9);
  return {
    NhatKyID: p.log.id,
    CumLoaID: p.log.deviceId,
    BanTinID: b ? (b.nationalId ?? String(b.id)) : null,
    LoaiBanTin: b ? b.type : null,
    MucDoUuTien: b ? (b.priority as PriorityCode) : null,
    TieuDe: b?.title ?? p.fallbackTitle,
    LoaiLinhVuc: b ? b.field : null,
    NoiDungTomTat: b?.summary ?? '',
    ThoiGianSanXuat: iso(b?.producedAt),
    ThoiLuong: b ? b.durationMs / 1000 : null,
    TacGia: b?.author ?? '',
    ThoiDiemBatDau: iso(p.log.startedAt),
    ThoiDiemKetThuc: iso(p.log.endedAt),
    ThoiLuongDaPhat: p.log.playedMs === null ? null : p.log.playedMs / 1000,
    SuKien: PlayLogSchema.shape.SuKien.parse(p.log.event),
    LyDo: p.log.reason,
    TiepAm: relayed,
    NguonTiepAm: relayed ? (LEVEL_NAME[p.originLevel!] ?? p.originLevel) : null,
    NguonTin: b?.source ?? '',
    AmLuong: p.volume,
  };
}

export interface ScheduleFacts {
  schedule: {
    id: number;
    revision: number;
    title: string;
    state: string;
    recurrence: Recurrence;
    startDate: string | null;
    endDate: string | null;
    targets: ScheduleTarget[];
  };
  originLevel: string;
  bulletin: BulletinMeta;
  /** Receivers reached through groups and single targets (unit targets are listed as units). */
  deviceIds: string[];
}

export function toScheduleWire(f: ScheduleFacts): ScheduleWire {
  const r = f.schedule.recurrence;
  const KieuLap: ScheduleWire['KieuLap'] =
    r.kind === 'once'
      ? { Loai: 'once', ThoiDiem: r.at }
      : r.kind === 'daily'
        ? { Loai: 'daily', Gio: r.time }
        : r.kind === 'weekly'
          ? { Loai: 'weekly', Thu: r.days, Gio: r.time }
          : { Loai: 'cron', BieuThuc: r.expr };
  const b = f.bulletin;
  return {
    LichPhatID: String(f.schedule.id),
    PhienBan: f.schedule.revision,
    TenLichPhat: f.schedule.title,
    TrangThai: ScheduleWireSchema.shape.TrangThai.parse(f.schedule.state),
    KieuLap,
    NgayBatDau: f.schedule.startDate,
    NgayKetThuc: f.schedule.endDate,
    CapNguon: f.originLevel,
    DanhSachBanTin: [
      {
        BanTinID: b.nationalId ?? String(b.id),
        TieuDe: b.title,
        MucDoUuTien: b.priority as PriorityCode,
        ThoiLuong: b.durationMs / 1000,
      },
    ],
    DanhSachDiaBan: f.schedule.targets.flatMap((t) => ('unit' in t ? [t.unit] : [])),
    DanhSachThietBi: f.deviceIds,
  };
}

// ---------------------------------------------------------------- wire → ours

/** The national view's row of a receiver, from its status ping. */
export function fromStatusPing(p: StatusPing) {
  return {
    receiverId: p.CumLoaID,
    stationId: p.NguonID,
    unitCode: p.DichID,
    operatingState: p.TrangThaiHoatDong,
    reportedAt: p.ThoiDiemCapNhat === null ? null : Date.parse(p.ThoiDiemCapNhat),
  };
}

export function fromPlayLog(p: PlayLogWire) {
  return {
    key: p.NhatKyID,
    receiverId: p.CumLoaID,
    event: p.SuKien,
    startedAt: p.ThoiDiemBatDau === null ? null : Date.parse(p.ThoiDiemBatDau),
  };
}

/** What a province makes of a national bulletin: the bulletin's content and the schedule's rule. */
export function fromNationalBulletin(m: NationalBulletin, now: number) {
  // A bulletin that arrives after its start time (the province was offline) still plays, at once.
  const at = Math.max(Date.parse(m.LichPhat.ThoiDiemBatDau), now + 5_000);
  return {
    content: {
      type: m.LoaiBanTin,
      field: m.LoaiLinhVuc,
      priority: m.MucDoUuTien as PriorityCode,
      title: m.TieuDe,
      summary: m.NoiDungTomTat,
      author: m.TacGia,
      producedAt: m.ThoiGianSanXuat ? Date.parse(m.ThoiGianSanXuat) : now,
      source: m.NguonTin || LEVEL_NAME.national!,
    },
    sha256: m.TepAmThanh.Sha256,
    recurrence: { kind: 'once' as const, at: new Date(at).toISOString() },
    repeat:
      m.LichPhat.SoLanPhat > 1
        ? { count: m.LichPhat.SoLanPhat, intervalMinutes: m.LichPhat.KhoangCachPhut }
        : undefined,
    unitCodes: m.DanhSachDiaBan,
    deviceIds: m.DanhSachThietBi,
  };
}
