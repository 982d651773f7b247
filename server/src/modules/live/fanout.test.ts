import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFanout, type Sink } from './fanout.js';
import { createFrameSplitter } from './mp3-frames.js';
import { frame } from './mp3-frames.test.js';

/** A socket stand-in: `stuck` ones never drain, so everything written stays queued. */
class FakeSink extends EventEmitter implements Sink {
  chunks: Buffer[] = [];
  writableLength = 0;
  destroyed = false;
  ended = false;
  constructor(readonly stuck = false) {
    super();
  }
  write(b: Buffer) {
    this.chunks.push(b);
    if (this.stuck) this.writableLength += b.length;
    return !this.stuck;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
  received = () => Buffer.concat(this.chunks);
}

const frames = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ data: frame((from + i) % 256), durationMs: (576 * 1000) / 22_050 }));

describe('fan-out', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const opts = { burstMs: 500, maxQueueBytes: 4000, flushMs: 100 };

  it('sends one shared buffer per flush to everyone, and a burst of the last whole frames to joiners', () => {
    const f = createFanout(opts);
    const a = new FakeSink();
    f.add(a, { counted: true, burst: true });
    f.push(frames(40));
    expect(a.chunks).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(a.chunks).toHaveLength(1);
    const b = new FakeSink();
    f.add(b, { counted: true, burst: true });
    const burst = createFrameSplitter().push(Buffer.concat([b.received(), frame()]));
    // At least 500 ms of 26.1 ms frames: the last 20 whole frames pushed, in order.
    expect(burst.map((x) => x.data[5])).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    f.push(frames(2, 40));
    vi.advanceTimersByTime(100);
    expect(a.chunks[1]).toBe(b.chunks[1]); // the same Buffer, not a copy per listener
    expect(f.listeners()).toBe(2);
  });

  it('drops a listener whose queue passes the limit, once, without holding back the others', () => {
    const left: string[] = [];
    const f = createFanout({ ...opts, onLeave: (reason) => left.push(reason) });
    const slow = new FakeSink(true);
    const good = new FakeSink();
    f.add(slow, { counted: true, burst: true });
    f.add(good, { counted: true, burst: true });
    for (let i = 0; i < 5; i++) {
      f.push(frames(10, i * 10));
      vi.advanceTimersByTime(100);
    }
    expect(slow.destroyed).toBe(true);
    expect(left).toEqual(['too_slow']);
    expect(f.stats.dropped).toBe(1);
    expect(f.listeners()).toBe(1);
    expect(good.received().length).toBe(50 * 208);
    slow.emit('close');
    slow.emit('error', new Error('late'));
    expect(f.listeners()).toBe(1);
  });

  it('counts a listener that closes and errors exactly once; the push member is not counted', () => {
    const f = createFanout(opts);
    const a = new FakeSink();
    const push = new FakeSink();
    f.add(a, { counted: true, burst: true });
    f.add(push, { counted: false, burst: true });
    expect(f.listeners()).toBe(1);
    a.emit('error', new Error('reset'));
    a.emit('close');
    f.remove(a);
    expect(f.listeners()).toBe(0);
    expect(f.stats).toMatchObject({ connects: 1, peak: 1 });
  });

  it('at the end sends what is queued, ends everyone, and refuses joiners', () => {
    const f = createFanout(opts);
    const a = new FakeSink();
    f.add(a, { counted: true, burst: true });
    f.push(frames(3));
    f.end();
    expect(a.received().length).toBe(3 * 208);
    expect(a.ended).toBe(true);
    expect(f.listeners()).toBe(0);
    const late = new FakeSink();
    expect(f.add(late, { counted: true, burst: true })).toBe(false);
    expect(late.ended).toBe(true);
  });
});
