import { describe, expect, it } from 'vitest';
import { type PlanItem, resolveTimeline } from './priority.js';

const MIN = 60_000;
const item = (
  key: string,
  startMin: number,
  durMin: number,
  priority: 1 | 2 | 3,
  originLevel: string,
  extra: Partial<PlanItem> = {},
): PlanItem => ({
  key,
  scheduleId: 1,
  startAt: startMin * MIN,
  durationMs: durMin * MIN,
  priority,
  originLevel,
  ...extra,
});
const plan = (items: PlanItem[]) => resolveTimeline(items).map((p) => [p.key, p.status, p.plannedStart / MIN]);

describe('resolveTimeline', () => {
  it('leaves items that do not overlap alone', () => {
    expect(plan([item('a', 0, 5, 3, 'commune'), item('b', 10, 5, 3, 'commune')])).toEqual([
      ['a', 'planned', 0],
      ['b', 'planned', 10],
    ]);
  });

  it('plays emergency over priority over normal, moving the loser after the winner', () => {
    expect(plan([item('normal', 0, 10, 3, 'national'), item('emerg', 2, 5, 1, 'commune')])).toEqual([
      ['emerg', 'planned', 2],
      ['normal', 'planned', 7],
    ]);
  });

  it('within a level lets the higher origin win', () => {
    expect(plan([item('commune', 0, 5, 2, 'commune'), item('province', 3, 5, 2, 'province')])).toEqual([
      ['province', 'planned', 3],
      ['commune', 'planned', 8],
    ]);
    expect(plan([item('district', 0, 5, 3, 'district'), item('national', 1, 5, 3, 'national')])).toEqual([
      ['national', 'planned', 1],
      ['district', 'planned', 6],
    ]);
  });

  it('lets a commune put its own priority item before incoming priority items, but never before an emergency', () => {
    const own = item('own', 0, 5, 2, 'commune', { beforeIncomingPriority: true });
    expect(plan([own, item('province', 3, 5, 2, 'province')])).toEqual([
      ['own', 'planned', 0],
      ['province', 'planned', 5],
    ]);
    expect(plan([own, item('emerg', 3, 5, 1, 'province')])).toEqual([
      ['emerg', 'planned', 3],
      ['own', 'planned', 8],
    ]);
  });

  it('lets a commune order its own colliding priority items, whatever their times', () => {
    const early = item('early', 0, 5, 2, 'commune', { ownOrder: 2 });
    const late = item('late', 2, 5, 2, 'commune', { ownOrder: 1 });
    expect(plan([early, late])).toEqual([
      ['late', 'planned', 2],
      ['early', 'planned', 7],
    ]);
    // Without an order the earlier start goes first; an incoming priority item still comes before both.
    expect(
      plan([{ ...early, ownOrder: null }, { ...late, ownOrder: null }, item('prov', 1, 5, 2, 'province')]),
    ).toEqual([
      ['prov', 'planned', 1],
      ['early', 'planned', 6],
      ['late', 'planned', 11],
    ]);
    // The order is the commune's own: it never lifts a normal item.
    expect(plan([item('normal', 0, 5, 3, 'commune', { ownOrder: 1 }), item('prio', 2, 5, 2, 'commune')])).toEqual([
      ['prio', 'planned', 2],
      ['normal', 'planned', 7],
    ]);
  });

  it('skips an item pushed later than the limit, and says why and by whom', () => {
    const r = resolveTimeline([item('long', 0, 40, 2, 'province'), item('short', 1, 5, 3, 'commune')]);
    const skipped = r.find((p) => p.key === 'short')!;
    expect(skipped).toMatchObject({ status: 'skipped', yieldedTo: ['long'] });
    expect(skipped.reason).toMatch(/39 min late/);
  });

  it('fits a loser into the first gap that is long enough', () => {
    expect(
      plan([item('x', 0, 5, 1, 'province'), item('y', 6, 5, 1, 'province'), item('z', 1, 3, 3, 'commune')]),
    ).toEqual(
      [
        ['x', 'planned', 0],
        ['z', 'planned', 11],
        ['y', 'planned', 6],
      ].sort((a, b) => (a[2] as number) - (b[2] as number)),
    );
  });
});
