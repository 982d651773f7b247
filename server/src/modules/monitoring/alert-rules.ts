import type { MonitoringConfig } from './monitoring.config.js';
import type { PresenceView } from './presence.js';

export const ALERT_KINDS = [
  'device_offline',
  'hardware_fault',
  'temperature_high',
  'storage_full',
  'bulletin_missed',
  'unit_no_receiver',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Condition {
  kind: AlertKind;
  unitId: number;
  severity: 'warning' | 'critical';
  /** Receivers concerned, sorted. */
  devices: string[];
  details: Record<string, unknown>;
  /** The thresholds in force for the unit (its own or inherited); absent: the global ones. */
  thresholds?: MonitoringConfig['alerts'];
}

export interface RuleInput {
  now: number;
  devices: ReadonlyArray<{ id: string; unitId: number }>;
  presence: ReadonlyMap<string, PresenceView>;
  /** Missed scheduled items per receiver within the look-back. */
  missed: ReadonlyMap<string, number>;
  thresholds: MonitoringConfig['alerts'];
  /** Per-unit thresholds (issue 8: nearest ancestor's setting, else global); absent: `thresholds` everywhere. */
  thresholdsFor?: (unitId: number) => MonitoringConfig['alerts'];
}

/**
 * What should be alerting now (issue 8), one condition per (kind, unit): receivers are grouped by their
 * own unit, so a commune whose link drops gives one "12 receivers offline" alert, not twelve. A receiver
 * that never connected raises nothing (it is not installed yet); an `unknown` one (server just restarted)
 * is left alone until the restart grace decides.
 */
export function evaluateRules(input: RuleInput): Condition[] {
  const forUnit = input.thresholdsFor ?? (() => input.thresholds);
  const groups = new Map<string, Condition>();
  const add = (
    kind: AlertKind,
    unitId: number,
    deviceId: string,
    severity: Condition['severity'],
    extra?: [string, unknown],
  ) => {
    const key = `${kind}|${unitId}`;
    let c = groups.get(key);
    if (!c) {
      c = { kind, unitId, severity, devices: [], details: {}, thresholds: forUnit(unitId) };
      groups.set(key, c);
    }
    c.devices.push(deviceId);
    if (extra) c.details[extra[0]] = { ...(c.details[extra[0]] as object), [deviceId]: extra[1] };
  };
  const perUnit = new Map<number, { total: number; down: number }>();

  for (const d of input.devices) {
    const p = input.presence.get(d.id);
    if (!p || p.state === 'unknown') continue;
    const t = forUnit(d.unitId);
    const u = perUnit.get(d.unitId) ?? { total: 0, down: 0 };
    perUnit.set(d.unitId, u);
    u.total++;
    if (p.state === 'offline') {
      if (input.now - p.since >= t.offlineMs) {
        add('device_offline', d.unitId, d.id, 'warning', ['offlineSince', p.since]);
        u.down++;
      }
    } else {
      const h = p.health;
      const fault = h && (h.speakerLineOk === false || h.amplifierFault === true);
      if (fault) {
        add('hardware_fault', d.unitId, d.id, 'warning', [
          'faults',
          { speakerLineOk: h.speakerLineOk ?? null, amplifierFault: h.amplifierFault ?? null },
        ]);
        u.down++;
      }
      if (h?.cpuTempC != null && h.cpuTempC > t.tempC)
        add('temperature_high', d.unitId, d.id, 'warning', ['cpuTempC', h.cpuTempC]);
      if (h?.diskUsedPct != null && h.diskUsedPct >= t.diskPct)
        add('storage_full', d.unitId, d.id, 'warning', ['diskUsedPct', h.diskUsedPct]);
    }
    const missed = input.missed.get(d.id) ?? 0;
    if (missed > 0) add('bulletin_missed', d.unitId, d.id, 'warning', ['missed', missed]);
  }
  for (const [unitId, u] of perUnit) {
    if (u.total > 0 && u.down === u.total) {
      const ids = input.devices.filter((d) => d.unitId === unitId && input.presence.get(d.id)?.state !== undefined);
      for (const d of ids)
        if (input.presence.get(d.id)?.state !== 'unknown') add('unit_no_receiver', unitId, d.id, 'critical');
    }
  }
  for (const c of groups.values()) c.devices.sort();
  return [...groups.values()];
}

const VI_KIND: Record<AlertKind, (n: number, unit: string, c: Condition, t: MonitoringConfig['alerts']) => string> = {
  device_offline: (n, u, _c, t) => `${n} loa của ${u} mất kết nối quá ${Math.round(t.offlineMs / 60_000)} phút`,
  hardware_fault: (n, u) => `${n} loa của ${u} báo hỏng loa hoặc bộ khuếch đại`,
  temperature_high: (n, u, _c, t) => `${n} loa của ${u} quá nóng (trên ${t.tempC} °C)`,
  storage_full: (n, u, _c, t) => `${n} loa của ${u} sắp đầy bộ nhớ (từ ${t.diskPct} %)`,
  bulletin_missed: (_n, u, c) =>
    `${Object.values((c.details.missed ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0)} lượt phát bản tin bị lỡ tại ${u}`,
  unit_no_receiver: (_n, u) => `${u} không còn loa nào hoạt động`,
};

/** The operator-facing (Vietnamese) title of a grouped alert. */
export function alertTitle(c: Condition, unitName: string, t: MonitoringConfig['alerts']): string {
  return VI_KIND[c.kind](c.devices.length, unitName, c, c.thresholds ?? t);
}
