import { describe, expect, it } from 'vitest';
import { arbitrate, type Claim } from './arbitration.js';

const live = (priority?: 1 | 2 | 3): Claim => ({ playId: `live-${priority ?? 'none'}`, priority, scheduled: false });
const item = (priority: 1 | 2 | 3): Claim => ({ playId: `s1r1t${priority}`, priority, scheduled: true });

describe('arbitration between what plays and what arrives', () => {
  it('lets anything start when nothing plays', () => {
    expect(arbitrate(live(3), null)).toEqual({ ok: true });
    expect(arbitrate(item(3), null)).toEqual({ ok: true });
  });

  it('a live play interrupts what is of its level or lower, and is refused by a higher level', () => {
    expect(arbitrate(live(1), item(1)).ok).toBe(true);
    expect(arbitrate(live(2), item(2)).ok).toBe(true);
    expect(arbitrate(live(2), item(3)).ok).toBe(true);
    expect(arbitrate(live(3), live(3)).ok).toBe(true);
    // No priority given counts as normal.
    expect(arbitrate(live(), item(3)).ok).toBe(true);
    expect(arbitrate(live(), item(2)).ok).toBe(false);
    expect(arbitrate(live(3), item(2))).toEqual({
      ok: false,
      code: 'lower_priority',
      onAir: item(2),
      reason: 'normal may not interrupt scheduled item s1r1t2 (priority)',
    });
    expect(arbitrate(live(2), live(1))).toMatchObject({
      ok: false,
      reason: 'priority may not interrupt emergency live play live-1',
    });
  });

  it('a scheduled item takes the air only from a live play of a strictly lower level', () => {
    expect(arbitrate(item(2), live(3)).ok).toBe(true);
    expect(arbitrate(item(2), live(2)).ok).toBe(false);
    expect(arbitrate(item(3), live(1)).ok).toBe(false);
  });

  it('a scheduled item follows an overrunning scheduled item whatever their levels', () => {
    expect(arbitrate(item(3), item(1)).ok).toBe(true);
  });
});
