import type { UnitsService } from './units.service.js';

/**
 * A small demo province for a first run: two-tier (province → commune), as Vietnam has been since
 * 1 July 2025. Codes are illustrative, not official.
 */
export const DEMO_TREE = {
  national: { code: 'VN', name: 'Việt Nam' },
  province: { code: '46', name: 'Thành phố Huế (dữ liệu mẫu)' },
  communes: [
    { code: '19753', name: 'Phường Thuận Hóa' },
    { code: '19774', name: 'Phường Phú Xuân' },
    { code: '20014', name: 'Xã Phú Vang' },
    { code: '20104', name: 'Xã Quảng Điền' },
  ],
} as const;

/** Creates the demo tree when the database has no units yet. Returns the province's id. */
export function ensureDemoUnits(units: UnitsService): { created: boolean; provinceId: number; communeIds: number[] } {
  const existing = units.byCode(DEMO_TREE.province.code);
  if (!units.isEmpty() && existing) {
    const communeIds = DEMO_TREE.communes.map((c) => units.byCode(c.code)?.id).filter((id): id is number => !!id);
    return { created: false, provinceId: existing.id, communeIds };
  }
  const nation = units.byCode(DEMO_TREE.national.code) ?? units.create({ ...DEMO_TREE.national, level: 'national' });
  const province = units.create({ ...DEMO_TREE.province, level: 'province', parentId: nation.id });
  const communeIds = DEMO_TREE.communes.map((c) => units.create({ ...c, level: 'commune', parentId: province.id }).id);
  return { created: true, provinceId: province.id, communeIds };
}
