import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Reply } from '@nguon/protocols';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HookOutcome } from '../hardware/hardware.js';
import type { PlaybackService } from '../playback/playback.service.js';
import { createStateStore } from '../state/state-store.js';
import { createCommandService } from './command.service.js';
import { createCommandGuard } from './command-guard.js';
import { createControlCommands } from './control-commands.js';

const T = 1_790_000_000_000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-ctl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const idle: PlaybackService = { play: () => {}, stop: () => false, current: () => null, stopAll: async () => {} };

async function setup(opts: { hooks?: string[]; amplifier?: HookOutcome } = {}) {
  const state = await createStateStore({ dataDir: dir, initialAreas: [] });
  const calls: string[] = [];
  const replies: Reply[] = [];
  const hooks = new Set(opts.hooks ?? ['reboot', 'amplifierOn', 'amplifierOff']);
  let serverNow = T;
  const service = createCommandService({
    guard: createCommandGuard({ now: () => serverNow }),
    media: { ensure: async () => '/x.mp3' },
    playback: idle,
    state,
    sendReply: async (r) => {
      replies.push(r);
      calls.push(`reply:${r.id}`);
    },
    logger: pino({ level: 'silent' }),
    now: () => serverNow,
    control: createControlCommands({
      state,
      hardware: {
        has: (n) => hooks.has(n),
        amplifier: async (on) => {
          calls.push(`amplifier:${on}`);
          return opts.amplifier ?? { ok: true };
        },
      },
      syncClock: async () => {
        calls.push('sync');
        return { offsetMs: 300_000, delayMs: 12 };
      },
      reportNow: async () => {
        calls.push('report');
      },
      applySettings: (s) => calls.push(`apply:${JSON.stringify(s)}`),
      reboot: async () => {
        calls.push('reboot');
      },
      restart: async () => {
        calls.push('restart');
      },
    }),
  });
  const send = (id: string, body: Record<string, unknown>, expiresAt = serverNow + 30_000) =>
    service.handle({ v: 1, id, ts: serverNow, expiresAt, ...body } as Command);
  return { service, send, state, calls, replies, setServerNow: (t: number) => (serverNow = t) };
}

describe('remote control commands', () => {
  it('setMute persists mute; setConfig persists and applies settings live', async () => {
    const { send, state, calls } = await setup();
    expect(await send('m1', { type: 'setMute', muted: true })).toMatchObject({ ok: true, result: { muted: true } });
    expect(state.get().muted).toBe(true);
    const r = await send('c1', { type: 'setConfig', heartbeatIntervalS: 10 });
    expect(r).toMatchObject({ ok: true, result: { settings: { heartbeatIntervalS: 10 } } });
    await send('c2', { type: 'setConfig', fmFallbackDelayS: 45 });
    expect(state.get().settings).toEqual({ heartbeatIntervalS: 10, fmFallbackDelayS: 45 });
    expect(calls.filter((c) => c.startsWith('apply'))).toEqual([
      'apply:{"heartbeatIntervalS":10}',
      'apply:{"heartbeatIntervalS":10,"fmFallbackDelayS":45}',
    ]);
    const again = await createStateStore({ dataDir: dir, initialAreas: [] });
    expect(again.get()).toMatchObject({ muted: true, settings: { heartbeatIntervalS: 10, fmFallbackDelayS: 45 } });
  });

  it('amplifier answers with the hook outcome', async () => {
    const ok = await setup();
    expect(await ok.send('a1', { type: 'amplifier', on: true })).toMatchObject({
      ok: true,
      result: { amplifierOn: true },
    });
    const failing = await setup({ amplifier: { ok: false, code: 'hook_failed', message: 'relay: exit code 1' } });
    expect(await failing.send('a2', { type: 'amplifier', on: false })).toMatchObject({
      ok: false,
      error: { code: 'hook_failed', message: 'relay: exit code 1' },
    });
  });

  it('reboot replies first and only then reboots; without a hook it is unsupported', async () => {
    const { send, calls } = await setup();
    expect(await send('r1', { type: 'reboot' })).toMatchObject({ ok: true, result: { state: 'rebooting' } });
    expect(calls).toEqual(['reply:r1', 'reboot']);
    const none = await setup({ hooks: [] });
    expect(await none.send('r2', { type: 'reboot' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(none.calls).toEqual(['reply:r2']);
  });

  it('restartAgent replies, then restarts; syncNow and reportNow do their work before replying', async () => {
    const { send, calls } = await setup();
    await send('x1', { type: 'restartAgent' });
    expect(await send('s1', { type: 'syncNow' })).toMatchObject({
      ok: true,
      result: { synced: true, offsetMs: 300_000, delayMs: 12 },
    });
    await send('p1', { type: 'reportNow' });
    expect(calls).toEqual(['reply:x1', 'restart', 'sync', 'reply:s1', 'report', 'reply:p1']);
  });

  it('refuses an expired or repeated reboot without rebooting', async () => {
    const { send, calls, setServerNow } = await setup();
    await send('r1', { type: 'reboot' });
    expect(await send('r1', { type: 'reboot' })).toMatchObject({ ok: false, error: { code: 'duplicate' } });
    setServerNow(T + 60_000);
    expect(await send('r2', { type: 'reboot' }, T + 59_999)).toMatchObject({ ok: false, error: { code: 'expired' } });
    expect(calls.filter((c) => c === 'reboot')).toHaveLength(1);
  });

  it('answers a command it has no handler for as unsupported', async () => {
    const state = await createStateStore({ dataDir: dir, initialAreas: [] });
    const bare = createCommandService({
      guard: createCommandGuard({ now: () => T }),
      media: { ensure: async () => '/x.mp3' },
      playback: idle,
      state,
      sendReply: async () => {},
      logger: pino({ level: 'silent' }),
    });
    const r = await bare.handle({ v: 1, id: 'z', ts: T, expiresAt: T + 1, type: 'amplifier', on: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
