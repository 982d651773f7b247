import { describe, expect, it } from 'vitest';
import { distanceKm, inCircle, inPolygon, parsePolygon } from './cap-geo.js';
import { type CapInfo, readCapMessage } from './cap-message.js';
import { audioResource, chooseInfo, expiryOf, isExpired, planFor, spokenText } from './cap-rules.js';
import { sampleAlert } from './cap-sample.js';

const info = (over: Partial<CapInfo>): CapInfo => ({
  language: 'vi-VN',
  categories: ['Met'],
  event: 'Bão',
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  resources: [],
  areas: [],
  ...over,
});
const msg = (over: Parameters<typeof sampleAlert>[0]) => readCapMessage(sampleAlert(over), 1 << 20);

describe('CAP rules', () => {
  it('speaks Vietnamese first: vi-VN, then vi, then the first block', () => {
    const en = info({ language: 'en-US' });
    const vi = info({ language: 'vi' });
    const viVN = info({ language: 'VI-VN' });
    expect(chooseInfo([en, vi, viVN])).toBe(viVN);
    expect(chooseInfo([en, vi])).toBe(vi);
    expect(chooseInfo([en])).toBe(en);
    expect(chooseInfo([])).toBeUndefined();
  });

  it('ends at <expires>, else after the default duration; an expired alert is recognised', () => {
    expect(expiryOf(info({ expires: 5000 }), 1000, 60_000)).toBe(5000);
    expect(expiryOf(info({}), 1000, 60_000)).toBe(61_000);
    expect(isExpired(info({ expires: 1000 }), 1000)).toBe(true);
    expect(isExpired(info({ expires: 1001 }), 1000)).toBe(false);
    expect(isExpired(info({}), 1000)).toBe(false);
  });

  it('airs only Actual alerts; stores Ack and Error; Cancel stops, Update replaces', () => {
    for (const status of ['Exercise', 'System', 'Test', 'Draft']) {
      const plan = planFor(msg({ status }));
      expect(plan).toMatchObject({ kind: 'store', outcome: 'not_actual' });
      if (plan.kind === 'store') expect(plan.note).toContain(status);
    }
    expect(planFor(msg({}))).toEqual({ kind: 'air', stopsReferences: false });
    const ref = 'canhbao@kttv.gov.vn,KTTV-1,2026-11-22T07:00:00+07:00';
    expect(planFor(msg({ msgType: 'Update', references: ref }))).toEqual({ kind: 'air', stopsReferences: true });
    expect(planFor(msg({ msgType: 'Cancel', references: ref }))).toEqual({ kind: 'cancel' });
    expect(planFor(msg({ msgType: 'Ack', references: ref }))).toMatchObject({ kind: 'store', outcome: 'stored' });
    expect(planFor(msg({ msgType: 'Error', references: ref }))).toMatchObject({ kind: 'store', outcome: 'stored' });
  });

  it('reads headline, description and instruction as sentences; picks only an audio resource', () => {
    const i = info({ headline: 'Bão số 3', description: 'Gió mạnh cấp 12!', instruction: 'Sơ tán ngay' });
    expect(spokenText(i)).toBe('Bão số 3. Gió mạnh cấp 12! Sơ tán ngay.');
    expect(spokenText(info({}))).toBe('Bão.');
    const map = { resourceDesc: 'Bản đồ', mimeType: 'image/png' };
    const mp3 = { resourceDesc: 'Bản tin', mimeType: 'audio/mpeg' };
    expect(audioResource(info({ resources: [map, mp3] }))).toBe(mp3);
    expect(audioResource(info({ resources: [map] }))).toBeUndefined();
  });
});

describe('CAP area geometry', () => {
  // Around Huế: a square of about 11 km a side.
  const ring = parsePolygon('16.4,107.5 16.4,107.6 16.5,107.6 16.5,107.5 16.4,107.5');
  it('finds receivers inside a polygon and not outside it', () => {
    if (!ring.ok) throw new Error(ring.message);
    expect(inPolygon({ lat: 16.45, lon: 107.55 }, ring.value)).toBe(true);
    expect(inPolygon({ lat: 16.55, lon: 107.55 }, ring.value)).toBe(false);
    expect(inPolygon({ lat: 16.45, lon: 107.45 }, ring.value)).toBe(false);
  });

  it('measures circles in kilometres', () => {
    // One degree of latitude is about 111.2 km.
    expect(distanceKm({ lat: 16, lon: 107 }, { lat: 17, lon: 107 })).toBeCloseTo(111.2, 0);
    const c = { centre: { lat: 16.4637, lon: 107.5909 }, radiusKm: 2 };
    expect(inCircle({ lat: 16.47, lon: 107.6 }, c)).toBe(true);
    expect(inCircle({ lat: 16.5, lon: 107.6 }, c)).toBe(false);
  });
});
