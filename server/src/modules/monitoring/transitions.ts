import type Database from 'better-sqlite3';
import type { Transition } from './uptime.js';

export interface DeviceTransitions {
  /** State in force at `from` (offline when the receiver never connected before it). */
  before: Transition['state'];
  transitions: Array<Transition & { reason: string }>;
}

/** Presence transitions of many receivers in [from, to), with each one's state at `from`. */
export function createTransitionsQuery(sqlite: Database.Database) {
  // Device ids go in as one JSON array, so a province's thousands of receivers need no parameter list.
  const before = sqlite.prepare(`
    SELECT device_id AS deviceId, state FROM (
      SELECT device_id, state, row_number() OVER (PARTITION BY device_id ORDER BY at DESC, id DESC) AS rn
      FROM device_presence_transitions WHERE device_id IN (SELECT value FROM json_each(?)) AND at < ?
    ) WHERE rn = 1`);
  const within = sqlite.prepare(`
    SELECT device_id AS deviceId, state, at, reason FROM device_presence_transitions
    WHERE device_id IN (SELECT value FROM json_each(?)) AND at >= ? AND at < ? ORDER BY device_id, at, id`);

  return (deviceIds: readonly string[], from: number, to: number): Map<string, DeviceTransitions> => {
    const ids = JSON.stringify(deviceIds);
    const out = new Map<string, DeviceTransitions>(deviceIds.map((id) => [id, { before: 'offline', transitions: [] }]));
    for (const r of before.all(ids, from) as Array<{ deviceId: string; state: Transition['state'] }>) {
      const d = out.get(r.deviceId);
      if (d) d.before = r.state;
    }
    for (const r of within.all(ids, from, to) as Array<Transition & { deviceId: string; reason: string }>) {
      out.get(r.deviceId)?.transitions.push({ state: r.state, at: r.at, reason: r.reason });
    }
    return out;
  };
}
export type TransitionsQuery = ReturnType<typeof createTransitionsQuery>;
