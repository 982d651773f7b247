import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHookRunner } from '../hardware/hook-runner.js';
import { createFaultSensors, faultHealth, parseFaultReading } from './fault-sensors.js';

describe('fault sensors', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads ok, fault and unknown, inverted for an active-low line', () => {
    expect(parseFaultReading('ok\n')).toBe('ok');
    expect(parseFaultReading(' FAULT amplifier protection')).toBe('fault');
    expect(parseFaultReading('1')).toBe('fault');
    expect(parseFaultReading('0')).toBe('ok');
    expect(parseFaultReading('1', true)).toBe('ok');
    expect(parseFaultReading('', true)).toBe('unknown');
    expect(parseFaultReading('maybe')).toBe('unknown');
  });

  it('reports a file, a command, a missing file and a failing command without throwing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nguon-fault-'));
    const file = path.join(dir, 'speaker');
    await writeFile(file, 'fault\n');
    const runner = createHookRunner();
    const sensors = createFaultSensors({ speaker: { path: file }, amplifier: { command: 'echo ok' }, runner });
    expect(await sensors.read()).toEqual({ speaker: 'fault', amplifier: 'ok' });
    const broken = createFaultSensors({
      speaker: { path: path.join(dir, 'absent') },
      amplifier: { command: 'exit 3' },
      runner,
    });
    expect(await broken.read()).toEqual({ speaker: 'unknown', amplifier: 'unknown' });
    expect(await createFaultSensors({ runner }).read()).toEqual({});
  });

  it('maps onto the heartbeat fields', () => {
    expect(faultHealth({ speaker: 'fault', amplifier: 'fault' })).toEqual({
      speakerLineOk: false,
      amplifierFault: true,
    });
    expect(faultHealth({ speaker: 'ok', amplifier: 'ok' })).toEqual({ speakerLineOk: true, amplifierFault: false });
    expect(faultHealth({ speaker: 'unknown' })).toEqual({ speakerLineOk: null });
    expect(faultHealth({})).toEqual({});
  });
});
