import { describe, expect, it } from 'vitest';
import { createTranscodeSlots } from './transcode-slots.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('transcode slots', () => {
  it('runs at most max jobs at once and starts waiters in order', async () => {
    const slots = createTranscodeSlots(1);
    const first = deferred();
    const order: string[] = [];
    const a = slots.run(async () => {
      order.push('a');
      await first.promise;
    });
    const b = slots.run(async () => {
      order.push('b');
    });
    await Promise.resolve();
    expect([slots.active, slots.waiting, order]).toEqual([1, 1, ['a']]);
    first.resolve();
    await Promise.all([a, b]);
    expect([slots.active, slots.waiting, order]).toEqual([0, 0, ['a', 'b']]);
  });

  it('releases the slot when a job fails', async () => {
    const slots = createTranscodeSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(async () => 'ok')).toBe('ok');
    expect(slots.active).toBe(0);
  });

  it('drops an aborted waiter from the queue without running it', async () => {
    const slots = createTranscodeSlots(1);
    const hold = deferred();
    const a = slots.run(() => hold.promise);
    const ac = new AbortController();
    let ran = false;
    const b = slots.run(
      async () => {
        ran = true;
      },
      { signal: ac.signal },
    );
    ac.abort(new Error('client gone'));
    await expect(b).rejects.toThrow('client gone');
    expect(slots.waiting).toBe(0);
    hold.resolve();
    await a;
    expect([ran, slots.active]).toEqual([false, 0]);
  });

  it('lets interactive waiters go before background ones, each in order', async () => {
    const slots = createTranscodeSlots(1);
    const hold = deferred();
    const order: string[] = [];
    const a = slots.run(() => hold.promise);
    const mark = (name: string) => async () => {
      order.push(name);
    };
    const runs = [
      slots.run(mark('job1'), { priority: 'background' }),
      slots.run(mark('job2')),
      slots.run(mark('upload1'), { priority: 'interactive' }),
      slots.run(mark('upload2'), { priority: 'interactive' }),
    ];
    hold.resolve();
    await Promise.all([a, ...runs]);
    expect(order).toEqual(['upload1', 'upload2', 'job1', 'job2']);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => createTranscodeSlots(0)).toThrow(/positive integer/);
  });
});
