import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runLater } from './run-later.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runLater', () => {
  it('batches calls of the same delay on one timer, never running later than asked', async () => {
    const ran: string[] = [];
    runLater(300, () => ran.push('a'));
    await vi.advanceTimersByTimeAsync(100);
    runLater(300, () => ran.push('b'));
    runLater(500, () => ran.push('c'));
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(300);
    expect(ran).toEqual(['a', 'b', 'c']);
    // A new call after the batch ran starts a new one.
    runLater(300, () => ran.push('d'));
    await vi.advanceTimersByTimeAsync(300);
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never joins a batch whose timer should already have fired', async () => {
    const ran: string[] = [];
    // A batch left behind (its fake timer was thrown away with the test that made it).
    runLater(200, () => ran.push('lost'));
    vi.clearAllTimers();
    vi.setSystemTime(Date.now() - 60_000);
    runLater(200, () => ran.push('a'));
    await vi.advanceTimersByTimeAsync(200);
    expect(ran).toEqual(['a']);
  });

  it('one throwing callback does not stop the others', async () => {
    const ran: string[] = [];
    runLater(10, () => {
      throw new Error('boom');
    });
    runLater(10, () => ran.push('ok'));
    await vi.advanceTimersByTimeAsync(10);
    expect(ran).toEqual(['ok']);
  });
});
