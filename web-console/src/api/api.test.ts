import { describe, expect, it } from 'vitest';
import { match } from '../router.js';
import { applyAlertEvent } from './alerts.js';
import { transitionsFor } from './bulletins.js';
import { OperatorCommandSchema } from './commands.js';
import { metricSeries } from './device-history.js';
import { EmergencyStartSchema, type Reach, reachPct } from './emergencies.js';
import { ApiError, isRouteMissing } from './http.js';
import { toCsv } from './reports.js';
import { conflictsOf } from './schedules.js';

describe('the console client', () => {
  it('tells a route this server lacks from a missing record', () => {
    expect(isRouteMissing(new ApiError(404, 'not_found', 'no route GET /api/v1/alerts'))).toBe(true);
    expect(isRouteMissing(new ApiError(404, 'not_found', 'bulletin 4 not found'))).toBe(false);
    expect(isRouteMissing(new ApiError(403, 'forbidden', 'no route'))).toBe(false);
  });

  it('reads the conflicts of a 409 and nothing else', () => {
    const conflict = {
      scheduleId: 3,
      title: 'A',
      priority: 3,
      origin: 'commune',
      overlaps: 1,
      devices: 4,
      firstAt: '2026-11-22 07:00',
      resolution: 'x',
    };
    expect(conflictsOf(new ApiError(409, 'conflict', 'overlaps', { conflicts: [conflict] }))).toEqual([conflict]);
    expect(conflictsOf(new ApiError(409, 'conflict', 'the schedule is cancelled'))).toBeNull();
    expect(conflictsOf(new Error('x'))).toBeNull();
  });

  it('offers each role only the bulletin actions its permissions allow', () => {
    const operator = { write: true, approve: false, emergency: false };
    const approver = { write: false, approve: true, emergency: false };
    const province = { write: true, approve: false, emergency: true };
    expect(transitionsFor('draft', operator, 3)).toEqual(['submit', 'archive']);
    expect(transitionsFor('submitted', operator, 3)).toEqual(['withdraw', 'archive']);
    expect(transitionsFor('submitted', approver, 3)).toEqual(['approve', 'reject']);
    expect(transitionsFor('approved', approver, 3)).toEqual([]);
    expect(transitionsFor('draft', province, 1)).toEqual(['submit', 'approve-on-send', 'archive']);
    expect(transitionsFor('draft', province, 3)).not.toContain('approve-on-send');
  });

  it('writes CSV that spreadsheets read safely', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['Xã "Phú Vang", Huế', 3],
          ['=1+1', -2],
        ],
      ),
    ).toBe('a,b\r\n"Xã ""Phú Vang"", Huế",3\r\n\'=1+1,-2');
  });

  it('matches console paths with their parameters', () => {
    expect(match('/receivers/:id', '/receivers/r%20x')).toEqual({ id: 'r x' });
    expect(match('/receivers/:id', '/receivers')).toBeNull();
    expect(match('/bulletins/:id', '/schedules/3')).toBeNull();
  });

  it('sends only command bodies the server accepts', () => {
    const ok = (b: unknown) => OperatorCommandSchema.safeParse(b).success;
    expect(ok({ type: 'setVolume', volume: 40 })).toBe(true);
    expect(ok({ type: 'amplifier', on: false })).toBe(true);
    expect(ok({ type: 'setConfig', heartbeatIntervalS: 30 })).toBe(true);
    expect(ok({ type: 'setVolume', volume: 101 })).toBe(false);
    expect(ok({ type: 'setConfig' })).toBe(false);
    expect(ok({ type: 'reboot', now: true })).toBe(false);
    expect(ok({ type: 'selfDestruct' })).toBe(false);
  });

  it('starts emergencies only with the body the server accepts, and shows reach as a share', () => {
    const body = {
      title: 'Bão',
      targets: { units: ['46'], devices: [], groups: [] },
      source: { kind: 'media', sha256: 'a'.repeat(64) },
      repeat: 2,
      validForS: 1800,
    };
    expect(EmergencyStartSchema.safeParse(body).success).toBe(true);
    expect(EmergencyStartSchema.safeParse({ ...body, validForS: 1 }).success).toBe(false);
    expect(EmergencyStartSchema.safeParse({ ...body, expiresInMinutes: 30 }).success).toBe(false);
    const reach = { targeted: 6, playing: 3, started: 6 } as Reach;
    expect(reachPct(reach)).toBe(50);
    expect(reachPct(reach, false)).toBe(100);
    expect(reachPct({ ...reach, targeted: 0 })).toBe(0);
  });

  it('keeps the alert list current from stream events: resolved ones leave, others replace, newest first', () => {
    const base = {
      kind: 'device_offline',
      unitId: 5,
      unitCode: '19753',
      unitName: 'Phường',
      severity: 'warning' as const,
      state: 'open' as const,
      title: '1 loa mất kết nối',
      devices: ['d1'],
      details: {},
      openedAt: 1,
      updatedAt: 1,
      ackedAt: null,
      ackedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    };
    const a = { ...base, id: 1 };
    const b = { ...base, id: 2 };
    let list = applyAlertEvent([], { event: 'opened', at: 1, alert: a });
    list = applyAlertEvent(list, { event: 'opened', at: 2, alert: b });
    expect(list.map((x) => x.id)).toEqual([2, 1]);
    list = applyAlertEvent(list, { event: 'acknowledged', at: 3, alert: { ...a, state: 'acknowledged' } });
    expect(list.map((x) => [x.id, x.state])).toEqual([
      [2, 'open'],
      [1, 'acknowledged'],
    ]);
    expect(applyAlertEvent(list, { event: 'resolved', at: 4, alert: { ...b, state: 'resolved' } })).toHaveLength(1);
  });

  it('reads one health metric from raw samples and from rolled-up buckets alike', () => {
    const raw = {
      deviceId: 'd',
      from: 0,
      to: 9,
      step: 'raw' as const,
      points: [
        { at: 1, cpuTempC: 40 },
        { at: 2, cpuTempC: null },
      ],
    };
    expect(metricSeries(raw, 'temp')).toEqual([[1, 40]]);
    const rolled = {
      ...raw,
      step: '5m' as const,
      points: [
        { at: 3, temp: { min: 1, avg: 41.5, max: 50 } },
        { at: 4, temp: null },
      ],
    };
    expect(metricSeries(rolled, 'temp')).toEqual([[3, 41.5]]);
  });
});
