import type { PriorityCode } from '@nguon/schemas';

/**
 * Who may take the air on a receiver (mission.md §3, Thông tư 39/2020): emergency (1) > priority (2) >
 * normal (3). The server has already ordered the programme (server/src/modules/schedules/priority.ts,
 * which also weighs the origin: national > province > district > commune); a receiver only has to
 * settle what arrives while something plays, and play commands carry no origin, so here the level alone
 * decides:
 *
 * - a live play (a command, an emergency) takes the air from anything of its level or lower: the newest
 *   operator action wins a tie; one of a lower level is refused (`lower_priority`) and logged;
 * - a scheduled item takes the air only from a live play of a strictly lower level; otherwise it waits
 *   for that play to end (and then joins where the programme has got to), or is skipped once its
 *   window has passed;
 * - a scheduled item follows the previous scheduled item whatever their levels: the server already
 *   resolved their order, and the earlier one only overran its planned end.
 */
export interface Claim {
  playId: string;
  /** Absent = normal (3). */
  priority?: PriorityCode | undefined;
  /** A programme item (its playId is the occurrence key), not a live play. */
  scheduled: boolean;
}

export type Admission = { ok: true } | { ok: false; code: 'lower_priority'; onAir: Claim; reason: string };

export const PRIORITY_NAMES = { 1: 'emergency', 2: 'priority', 3: 'normal' } as const;

const level = (c: Claim): PriorityCode => c.priority ?? 3;

/** Names a play in reasons and logs: what interrupted an item, what held one back. */
export function describeClaim(c: Claim & { commandId?: string | undefined }): string {
  if (c.scheduled) return `scheduled item ${c.playId} (${PRIORITY_NAMES[level(c)]})`;
  const name = c.priority ? `${PRIORITY_NAMES[c.priority]} ` : '';
  return `${name}live play ${c.playId}${c.commandId ? ` (command ${c.commandId})` : ''}`;
}

/** Whether `incoming` may interrupt `onAir` (nothing on air: always). Pure; the rules are above. */
export function arbitrate(incoming: Claim, onAir: Claim | null): Admission {
  if (!onAir) return { ok: true };
  if (incoming.scheduled && onAir.scheduled) return { ok: true };
  const wins = incoming.scheduled ? level(incoming) < level(onAir) : level(incoming) <= level(onAir);
  if (wins) return { ok: true };
  return {
    ok: false,
    code: 'lower_priority',
    onAir,
    reason: `${PRIORITY_NAMES[level(incoming)]} may not interrupt ${describeClaim(onAir)}`,
  };
}
