import type { Health } from '@nguon/schemas';
import { describe, expect, it } from 'vitest';
import {
  fromNationalBulletin,
  fromPlayLog,
  fromStatusPing,
  linkText,
  NationalBulletinSchema,
  PlayLogSchema,
  type ReceiverFacts,
  ScheduleWireSchema,
  StatusBatchSchema,
  StatusPingSchema,
  toPlayLog,
  toScheduleWire,
  toStatusPing,
  VENDOR,
} from './vocabulary.js';

const station = { stationId: 'ST-46', stationName: 'Đài nguồn Huế', provinceCode: '46' };
const T0 = Date.parse('2026-11-21T01:00:00.000Z');

const health: Health = {
  uptimeS: 100,
  agentUptimeS: 90,
  cpuTempC: 51.5,
  load1: 0.2,
  memTotalMb: 1024,
  memUsedPct: 40,
  diskTotalMb: 8000,
  diskUsedPct: 37,
  volume: 65,
  muted: false,
  agentVersion: '1.4.0',
  link: { type: 'cellular', signalDbm: -85.4, accessTech: 'lte' },
  playing: { playId: 's1r1t1', sha256: 'a'.repeat(64) },
  amplifierOn: true,
};

const receiver = (over: Partial<ReceiverFacts> = {}): ReceiverFacts => ({
  device: { id: 'dev-1', name: 'Cụm loa thôn 1', lat: 16.46, lon: 107.59, volume: 80, muted: false },
  unit: { code: '19753', name: 'Phường Thuận Hóa' },
  status: { online: true, changedAt: T0 - 60_000, lastSeenAt: T0, agentVersion: '1.4.0', health },
  playing: { title: 'Bản tin sáng', startedAt: T0 - 5_000 },
  ...over,
});

describe('status ping (receiver → TrangThai…)', () => {
  it('maps every field of a playing receiver', () => {
    const p = toStatusPing(station, receiver());
    expect(p).toEqual({
      NguonID: 'ST-46',
      TenNguon: 'Đài nguồn Huế',
      DichID: '19753',
      TenDich: 'Phường Thuận Hóa',
      CumLoaID: 'dev-1',
      TenThietBi: 'Cụm loa thôn 1',
      TenLoaiThietBi: 'Cụm thu phát thanh IP',
      MaNhaCungCap: VENDOR.code,
      TenNhaCungCap: VENDOR.name,
      AmLuong: 65,
      TrangThaiHoatDong: 2,
      TrangThaiKetNoi: '4G,-85dbm',
      ViDo: 16.46,
      KinhDo: 107.59,
      ThongTinThietBi: { CongSuat: 1, NhietDo: 51.5, DungLuongSuDung: 37 },
      ThoiDiemBatDau: new Date(T0 - 5_000).toISOString(),
      NoiDungPhat: 'Bản tin sáng',
      PhienBanUngDung: '1.4.0',
      ThoiDiemCapNhat: new Date(T0).toISOString(),
    });
    expect(StatusPingSchema.parse(p)).toEqual(p);
  });

  it('an idle receiver is ready since it came online; a muted one reports volume 0', () => {
    const idle = { ...health, playing: null, muted: true, amplifierOn: false };
    const p = toStatusPing(station, receiver({ status: { ...receiver().status!, health: idle }, playing: null }));
    expect(p).toMatchObject({
      TrangThaiHoatDong: 1,
      AmLuong: 0,
      NoiDungPhat: null,
      ThoiDiemBatDau: new Date(T0 - 60_000).toISOString(),
      ThongTinThietBi: { CongSuat: 0 },
    });
  });

  it('an offline or never-seen receiver is 0, with no link and its configured volume', () => {
    const off = toStatusPing(station, receiver({ status: { ...receiver().status!, online: false } }));
    expect(off).toMatchObject({ TrangThaiHoatDong: 0, TrangThaiKetNoi: '', NoiDungPhat: null, ThoiDiemBatDau: null });
    const never = toStatusPing(station, receiver({ status: null, playing: null }));
    expect(never).toMatchObject({
      TrangThaiHoatDong: 0,
      AmLuong: 80,
      PhienBanUngDung: null,
      ThongTinThietBi: { CongSuat: null, NhietDo: null, DungLuongSuDung: null },
      ThoiDiemCapNhat: null,
    });
    expect(StatusPingSchema.safeParse(never).success).toBe(true);
  });

  it('writes the link as deployed systems do', () => {
    expect(linkText({ type: 'ethernet', signalDbm: null })).toBe('Ethernet');
    expect(linkText({ type: 'wifi', signalDbm: -60 })).toBe('WiFi,-60dbm');
    expect(linkText({ type: 'cellular', signalDbm: -101, accessTech: 'umts' })).toBe('3G,-101dbm');
    expect(linkText({ type: 'cellular', signalDbm: null, accessTech: null })).toBe('Di động');
    expect(linkText({ type: 'unknown', signalDbm: null })).toBe('');
  });

  it('reads back into the national view row', () => {
    expect(fromStatusPing(toStatusPing(station, receiver()))).toEqual({
      receiverId: 'dev-1',
      stationId: 'ST-46',
      unitCode: '19753',
      operatingState: 2,
      reportedAt: T0,
    });
  });

  it('refuses nonsense with the field named', () => {
    const bad = StatusBatchSchema.safeParse({
      PhienBan: 1,
      NguonID: 'ST',
      TenNguon: 'x',
      ThoiDiemGui: 'yesterday',
      DanhSach: [{ ...toStatusPing(station, receiver()), AmLuong: 300, TrangThaiHoatDong: 9 }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['ThoiDiemGui', 'DanhSach.0.AmLuong', 'DanhSach.0.TrangThaiHoatDong']),
    );
  });
});

const bulletin = {
  id: 12,
  type: 3,
  field: 4,
  priority: 2,
  title: 'Thông báo lịch tiêm',
  summary: 'Tiêm phòng cho trẻ',
  author: 'Trạm y tế',
  producedAt: T0 - 86_400_000,
  durationMs: 95_500,
  source: 'Sở Y tế',
};
const playLog = {
  id: 'log-1',
  deviceId: 'dev-1',
  event: 'finished',
  startedAt: T0,
  endedAt: T0 + 95_000,
  playedMs: 95_000,
  reason: null,
};

describe('play log (playback_logs + bulletin → NhatKy…)', () => {
  it('maps every field of a scheduled play', () => {
    const w = toPlayLog({
      log: playLog,
      bulletin,
      originLevel: 'province',
      stationLevel: 'province',
      fallbackTitle: 'x',
      volume: 70,
    });
    expect(w).toEqual({
      NhatKyID: 'log-1',
      CumLoaID: 'dev-1',
      BanTinID: '12',
      LoaiBanTin: 3,
      MucDoUuTien: 2,
      TieuDe: 'Thông báo lịch tiêm',
      LoaiLinhVuc: 4,
      NoiDungTomTat: 'Tiêm phòng cho trẻ',
      ThoiGianSanXuat: new Date(T0 - 86_400_000).toISOString(),
      ThoiLuong: 95.5,
      TacGia: 'Trạm y tế',
      ThoiDiemBatDau: new Date(T0).toISOString(),
      ThoiDiemKetThuc: new Date(T0 + 95_000).toISOString(),
      ThoiLuongDaPhat: 95,
      SuKien: 'finished',
      LyDo: null,
      TiepAm: false,
      NguonTiepAm: null,
      NguonTin: 'Sở Y tế',
      AmLuong: 70,
    });
    expect(PlayLogSchema.parse(w)).toEqual(w);
    expect(fromPlayLog(w)).toEqual({ key: 'log-1', receiverId: 'dev-1', event: 'finished', startedAt: T0 });
  });

  it('national content is relayed (TiepAm) and keeps its national id', () => {
    const w = toPlayLog({
      log: playLog,
      bulletin: { ...bulletin, nationalId: 'tw-7' },
      originLevel: 'national',
      stationLevel: 'province',
      fallbackTitle: 'x',
      volume: null,
    });
    expect(w).toMatchObject({ BanTinID: 'tw-7', TiepAm: true, NguonTiepAm: 'Hệ thống thông tin nguồn trung ương' });
  });

  it('a direct play without a bulletin carries the file title and nulls', () => {
    const w = toPlayLog({
      log: { ...playLog, event: 'started', endedAt: null, playedMs: null },
      bulletin: null,
      originLevel: null,
      stationLevel: 'province',
      fallbackTitle: 'ghi-am.mp3',
      volume: null,
    });
    expect(w).toMatchObject({
      BanTinID: null,
      LoaiBanTin: null,
      MucDoUuTien: null,
      TieuDe: 'ghi-am.mp3',
      ThoiLuong: null,
      ThoiLuongDaPhat: null,
      TiepAm: false,
    });
    expect(PlayLogSchema.safeParse(w).success).toBe(true);
  });
});

describe('schedule (schedules → LichPhat…)', () => {
  it('maps rule, bulletins, units and receivers', () => {
    const w = toScheduleWire({
      schedule: {
        id: 5,
        revision: 3,
        title: 'Phát sáng',
        state: 'active',
        recurrence: { kind: 'weekly', days: [1, 3], time: '06:30' },
        startDate: '2026-11-01',
        endDate: null,
        targets: [{ unit: '19753' }, { device: 'dev-9' }, { group: 2 }],
      },
      originLevel: 'commune',
      bulletin,
      deviceIds: ['dev-9', 'dev-3'],
    });
    expect(w).toEqual({
      LichPhatID: '5',
      PhienBan: 3,
      TenLichPhat: 'Phát sáng',
      TrangThai: 'active',
      KieuLap: { Loai: 'weekly', Thu: [1, 3], Gio: '06:30' },
      NgayBatDau: '2026-11-01',
      NgayKetThuc: null,
      CapNguon: 'commune',
      DanhSachBanTin: [{ BanTinID: '12', TieuDe: 'Thông báo lịch tiêm', MucDoUuTien: 2, ThoiLuong: 95.5 }],
      DanhSachDiaBan: ['19753'],
      DanhSachThietBi: ['dev-9', 'dev-3'],
    });
    expect(ScheduleWireSchema.parse(w)).toEqual(w);
  });
});

describe('national bulletin coming down', () => {
  const msg = NationalBulletinSchema.parse({
    BanTinID: 'tw-1',
    MucDoUuTien: 1,
    TieuDe: 'Cảnh báo bão số 3',
    TepAmThanh: { Sha256: 'b'.repeat(64), KichThuoc: 1000, ThoiLuong: 30 },
    LichPhat: { ThoiDiemBatDau: new Date(T0 + 3_600_000).toISOString(), SoLanPhat: 3, KhoangCachPhut: 10 },
    DanhSachDiaBan: ['19753'],
  });

  it('becomes our bulletin content, a one-off rule with repeats, and targets', () => {
    const plan = fromNationalBulletin(msg, T0);
    expect(plan).toEqual({
      content: {
        type: 3,
        field: 1,
        priority: 1,
        title: 'Cảnh báo bão số 3',
        summary: '',
        author: '',
        producedAt: T0,
        source: 'Hệ thống thông tin nguồn trung ương',
      },
      sha256: 'b'.repeat(64),
      recurrence: { kind: 'once', at: new Date(T0 + 3_600_000).toISOString() },
      repeat: { count: 3, intervalMinutes: 10 },
      unitCodes: ['19753'],
      deviceIds: [],
    });
  });

  it('one that arrives after its start plays at once, not never', () => {
    const plan = fromNationalBulletin(msg, T0 + 7_200_000);
    expect(Date.parse(plan.recurrence.at)).toBe(T0 + 7_200_000 + 5_000);
  });

  it('refuses a message without audio digest or with a bad priority', () => {
    const r = NationalBulletinSchema.safeParse({ ...msg, MucDoUuTien: 4, TepAmThanh: { Sha256: 'xyz' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(['MucDoUuTien', 'TepAmThanh']));
  });
});
