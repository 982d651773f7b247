import { describe, expect, it } from 'vitest';
import type { HookResult, HookRunner } from '../hardware/hook-runner.js';
import { createHookRunner } from '../hardware/hook-runner.js';
import { createSensorReader, decodeThrottled, parseMmcli } from './pi-sensors.js';

/** Trimmed from `mmcli -m 0 -J` on a Quectel EC25 with ModemManager 1.20. */
const MMCLI = JSON.stringify({
  modem: {
    '3gpp': { 'operator-name': 'Viettel', 'registration-state': 'home' },
    generic: {
      'access-technologies': ['lte'],
      'signal-quality': { recent: 'yes', value: '67' },
      state: 'connected',
    },
  },
});

describe('Raspberry Pi power flags', () => {
  it('decodes under-voltage and throttling, now and since boot', () => {
    expect(decodeThrottled('throttled=0x0\n')).toEqual({
      underVoltage: false,
      underVoltageEver: false,
      throttled: false,
      throttledEver: false,
    });
    expect(decodeThrottled('throttled=0x50005\n')).toEqual({
      underVoltage: true,
      underVoltageEver: true,
      throttled: true,
      throttledEver: true,
    });
    expect(decodeThrottled('throttled=0x50000')).toMatchObject({ underVoltage: false, underVoltageEver: true });
    expect(decodeThrottled('VCHI initialization failed')).toBeNull();
  });
});

describe('ModemManager reading', () => {
  it('takes signal quality and access technology', () => {
    expect(parseMmcli(MMCLI)).toEqual({ signalQualityPct: 67, accessTech: 'lte' });
  });

  it('is null or partial for anything unexpected', () => {
    expect(parseMmcli('error: couldn\u2019t find modem')).toBeNull();
    expect(parseMmcli('{"modem":{}}')).toBeNull();
    expect(parseMmcli('{"modem":{"generic":{"signal-quality":{"value":"--"},"access-technologies":[]}}}')).toEqual({
      signalQualityPct: null,
      accessTech: null,
    });
  });
});

describe('sensor reader', () => {
  it('reads through real shell commands', async () => {
    const reader = createSensorReader({
      commands: { throttledCommand: 'echo throttled=0x50000', modemCommand: `echo '${MMCLI}'` },
      runner: createHookRunner(),
    });
    expect(await reader.power()).toMatchObject({ underVoltage: false, underVoltageEver: true });
    expect(await reader.modem()).toEqual({ signalQualityPct: 67, accessTech: 'lte' });
  });

  it('reports null for a missing command and stops spawning it for a while', async () => {
    let now = 0;
    let runs = 0;
    const missing: HookResult = {
      ok: false,
      code: 127,
      timedOut: false,
      notFound: true,
      stdout: '',
      stderr: '',
      durationMs: 1,
    };
    const runner: HookRunner = {
      run: async () => {
        runs += 1;
        return missing;
      },
    };
    const reader = createSensorReader({
      commands: { throttledCommand: 'vcgencmd get_throttled', modemCommand: null },
      runner,
      now: () => now,
    });
    expect(await reader.power()).toBeNull();
    expect(await reader.power()).toBeNull();
    expect(await reader.modem()).toBeNull();
    expect(runs).toBe(1);
    now += 2 * 60 * 60_000;
    await reader.power();
    expect(runs).toBe(2);
  });
});
