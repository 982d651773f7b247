import { describe, expect, it } from 'vitest';
import { OperatorCommandSchema } from './command-bodies.js';

describe('OperatorCommandSchema', () => {
  it.each([
    { type: 'setVolume', volume: 60 },
    { type: 'setVolume', volume: 0, muted: true },
    { type: 'setMute', muted: false },
    { type: 'amplifier', on: true },
    { type: 'reboot' },
    { type: 'restartAgent' },
    { type: 'syncNow' },
    { type: 'reportNow' },
    { type: 'setConfig', heartbeatIntervalS: 60 },
    { type: 'setConfig', fmFallbackDelayS: 300 },
    { type: 'stop' },
    { type: 'play', sha256: 'a'.repeat(64), volume: 70 },
  ])('accepts %j', (body) => {
    expect(OperatorCommandSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'selfDestruct' }],
    ['a volume out of range', { type: 'setVolume', volume: 101 }],
    ['a setConfig that changes nothing', { type: 'setConfig' }],
    ['a heartbeat interval out of range', { type: 'setConfig', heartbeatIntervalS: 0 }],
    ['an unknown field', { type: 'reboot', force: true }],
    ['a server-stamped field', { type: 'reportNow', expiresAt: 1 }],
    ['a play without audio', { type: 'play' }],
  ])('refuses %s', (_what, body) => {
    expect(OperatorCommandSchema.safeParse(body).success).toBe(false);
  });
});
