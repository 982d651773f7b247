import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStateStore, DEFAULT_VOLUME } from './state-store.js';

const T = 1_790_000_000_000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const desired = (version: number, volume = 40) => ({
  v: 1 as const,
  id: `d${version}`,
  ts: T,
  version,
  volume,
  muted: false,
  areas: [['79', '760']],
});

describe('state store', () => {
  it('starts from defaults and the configured areas', async () => {
    const s = await createStateStore({ dataDir: dir, initialAreas: [['79']] });
    expect(s.get()).toEqual({
      volume: DEFAULT_VOLUME,
      muted: false,
      areas: [['79']],
      desiredVersion: -1,
      settings: {},
    });
  });

  it('applies only a newer desired state and persists it across restarts', async () => {
    const s = await createStateStore({ dataDir: dir, initialAreas: [] });
    expect(await s.applyDesired(desired(3))).toEqual({ applied: true, areasChanged: true });
    expect(await s.applyDesired(desired(3, 90))).toEqual({ applied: false, areasChanged: false });
    expect(await s.applyDesired(desired(2, 90))).toEqual({ applied: false, areasChanged: false });
    expect(await s.applyDesired(desired(4, 50))).toEqual({ applied: true, areasChanged: false });
    await s.setVolume(10, true);
    const again = await createStateStore({ dataDir: dir, initialAreas: [] });
    expect(again.get()).toEqual({ volume: 10, muted: true, areas: [['79', '760']], desiredVersion: 4, settings: {} });
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).desiredVersion).toBe(4);
  });

  it('keeps remote settings and mute across restarts and reads files written before settings existed', async () => {
    await writeFile(
      join(dir, 'state.json'),
      JSON.stringify({ volume: 30, muted: false, areas: [], desiredVersion: 2 }),
    );
    const s = await createStateStore({ dataDir: dir, initialAreas: [] });
    expect(s.get().settings).toEqual({});
    await s.setSettings({ heartbeatIntervalS: 10 });
    await s.setSettings({ fmFallbackDelayS: 60 });
    await s.setMuted(true);
    await s.applyDesired(desired(3, 20));
    const again = await createStateStore({ dataDir: dir, initialAreas: [] });
    expect(again.get()).toMatchObject({
      volume: 20,
      settings: { heartbeatIntervalS: 10, fmFallbackDelayS: 60 },
    });
  });

  it('comes up with defaults when the state file is corrupt', async () => {
    await writeFile(join(dir, 'state.json'), '{"volume": "loud"');
    const warnings: string[] = [];
    const s = await createStateStore({ dataDir: dir, initialAreas: [], onWarn: (m) => warnings.push(m) });
    expect(s.get().volume).toBe(DEFAULT_VOLUME);
    expect(warnings).toHaveLength(1);
  });
});
