import type { MediaRef } from '@nguon/protocols';
import type { Recurrence, ScheduleTarget } from '@nguon/schemas';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { schedules } from '../../db/schema.js';
import type { BulletinsService } from '../bulletins/bulletins.service.js';
import type { UnitsService } from '../units/units.service.js';
import { type Placed, type PlanItem, resolveTimeline } from './priority.js';
import { occurrences, type RuleSpec } from './recurrence.js';
import type { TargetResolver } from './targets.js';

export const HORIZON_MS = 48 * 3_600_000;

export interface ActiveSchedule {
  id: number;
  revision: number;
  title: string;
  bulletinId: number;
  bulletinVersion: number;
  priority: 1 | 2 | 3;
  originLevel: string;
  beforeIncomingPriority: boolean;
  ownOrder: number | null;
  durationMs: number;
  media: MediaRef[];
  rule: RuleSpec;
  devices: Set<string>;
}

export interface DeviceItem extends Placed {
  title: string;
  bulletinId: number;
  bulletinVersion: number;
  media: MediaRef[];
}

/** Key of one occurrence: stable across restarts; a new revision (an edit) gives new keys. */
export const occurrenceKey = (s: { id: number; revision: number }, at: number) => `s${s.id}r${s.revision}t${at}`;

/** Loads what is on air: active schedules whose bulletin has an approved version, with their receivers. */
export function loadActiveSchedules(deps: {
  db: Db;
  bulletins: BulletinsService;
  units: UnitsService;
  targets: TargetResolver;
  mediaRef: (sha256: string) => MediaRef | undefined;
}): ActiveSchedule[] {
  const out: ActiveSchedule[] = [];
  for (const s of deps.db.select().from(schedules).where(eq(schedules.state, 'active')).all()) {
    const version = deps.bulletins.approvedVersion(s.bulletinId);
    if (!version) continue; // archived or never approved: nothing may go on air
    const media = version.items.map((i) => deps.mediaRef(i.sha256)).filter((m): m is MediaRef => m !== undefined);
    if (media.length !== version.items.length) continue;
    out.push({
      id: s.id,
      revision: s.revision,
      title: s.title,
      bulletinId: s.bulletinId,
      bulletinVersion: version.version,
      priority: version.priority as 1 | 2 | 3,
      originLevel: deps.units.get(s.unitId)?.level ?? 'commune',
      beforeIncomingPriority: s.beforeIncomingPriority,
      ownOrder: s.ownOrder,
      durationMs: version.durationMs,
      media,
      rule: {
        recurrence: s.recurrence as Recurrence,
        startDate: s.startDate,
        endDate: s.endDate,
        repeat: s.repeat as RuleSpec['repeat'],
      },
      devices: deps.targets.devicesOf(s.targets as ScheduleTarget[]),
    });
  }
  return out;
}

/** One receiver's programme for [from, to), with the priority rules applied. */
export function buildDeviceTimeline(
  deviceId: string,
  active: ActiveSchedule[],
  from: number,
  to: number,
): DeviceItem[] {
  const mine = active.filter((s) => s.devices.has(deviceId));
  const byKey = new Map<string, ActiveSchedule>();
  const items: PlanItem[] = [];
  for (const s of mine) {
    // Look back one item length, so an item that already began is still part of the programme.
    for (const at of occurrences(s.rule, from - s.durationMs, to)) {
      const key = occurrenceKey(s, at);
      byKey.set(key, s);
      items.push({
        key,
        scheduleId: s.id,
        startAt: at,
        durationMs: s.durationMs,
        priority: s.priority,
        originLevel: s.originLevel,
        beforeIncomingPriority: s.beforeIncomingPriority,
        ownOrder: s.ownOrder,
      });
    }
  }
  return resolveTimeline(items).map((p) => {
    const s = byKey.get(p.key)!;
    return { ...p, title: s.title, bulletinId: s.bulletinId, bulletinVersion: s.bulletinVersion, media: s.media };
  });
}
