import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerSlots, type WorkerSlots } from './worker-slots.js';

/** A real, idle worker thread: cheap to start, and its 'exit' event shows when the pool stops it. */
const spawnIdle = () => new Worker('require("node:worker_threads").parentPort.on("message", () => {})', { eval: true });

describe('worker slots', () => {
  let slots: WorkerSlots | undefined;
  afterEach(async () => {
    await slots?.close();
  });

  it('starts workers on demand up to the size, then makes callers wait for a release', async () => {
    let spawned = 0;
    slots = createWorkerSlots(1, 60_000, () => {
      spawned++;
      return spawnIdle();
    });
    const first = await slots.acquire();
    let second: Worker | undefined;
    const waiting = slots.acquire().then((w) => {
      second = w;
    });
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    slots.release(first);
    await waiting;
    expect(second).toBe(first);
    expect(spawned).toBe(1);
    slots.release(first);
  });

  it('replaces a discarded worker for the next waiter', async () => {
    slots = createWorkerSlots(1, 60_000, spawnIdle);
    const broken = await slots.acquire();
    const next = slots.acquire();
    const exited = once(broken, 'exit');
    slots.discard(broken);
    await exited;
    const replacement = await next;
    expect(replacement).not.toBe(broken);
    slots.release(replacement);
  });

  it('stops a worker left idle', async () => {
    slots = createWorkerSlots(1, 20, spawnIdle);
    const worker = await slots.acquire();
    const exited = once(worker, 'exit');
    slots.release(worker);
    await exited;
    const fresh = await slots.acquire();
    expect(fresh).not.toBe(worker);
    slots.release(fresh);
  });

  it('lets a waiting caller leave when it aborts', async () => {
    slots = createWorkerSlots(1, 60_000, spawnIdle);
    const busy = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('cancelled while queued'));
    await expect(waiting).rejects.toThrow('cancelled while queued');
    slots.release(busy);
    const again = await slots.acquire();
    expect(again).toBe(busy);
    slots.release(again);
  });
});
