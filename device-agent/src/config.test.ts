import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, loadAgentConfig } from './config.js';

const file = { deviceId: 'dev-1', secret: 's3cret', brokerUrl: 'mqtt://127.0.0.1:1884', dataDir: '/var/lib/nguon' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentConfigError);
    return (err as AgentConfigError).problems;
  }
  throw new Error('expected an AgentConfigError');
}

describe('loadAgentConfig', () => {
  it('fills defaults and returns a frozen object', () => {
    const c = loadAgentConfig(file, {});
    expect(c).toMatchObject({
      ...file,
      heartbeatIntervalS: 30,
      player: 'alsa',
      alsaDevice: 'default',
      ffmpegPath: ffmpeg.path,
      areas: [],
      logLevel: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.areas)).toBe(true);
  });

  it('lets NGUON_AGENT_* variables override the file, converting types', () => {
    const c = loadAgentConfig(file, {
      NGUON_AGENT_BROKER_URL: 'mqtt://broker.example:1883',
      NGUON_AGENT_HEARTBEAT_INTERVAL_S: '10',
      NGUON_AGENT_PLAYER: 'null',
      NGUON_AGENT_FFMPEG_PATH: '/usr/bin/ffmpeg',
      NGUON_AGENT_AREAS: '[["79","760"]]',
      NGUON_AGENT_LOG_LEVEL: 'debug',
      NGUON_AGENT_DATA_DIR: '',
      OTHER: 'ignored',
    });
    expect(c).toMatchObject({
      brokerUrl: 'mqtt://broker.example:1883',
      heartbeatIntervalS: 10,
      player: 'null',
      ffmpegPath: '/usr/bin/ffmpeg',
      areas: [['79', '760']],
      logLevel: 'debug',
      dataDir: '/var/lib/nguon',
    });
  });

  it('defaults the receiver features to Raspberry Pi sensors and no hooks', () => {
    const c = loadAgentConfig(file, {});
    expect(c).toMatchObject({
      cacheMaxMb: 1024,
      fmFallbackDelayS: 120,
      fmRestoreDelayS: 30,
      hooks: {},
      hookTimeoutS: 15,
      sensors: { throttledCommand: 'vcgencmd get_throttled', modemCommand: 'mmcli -m 0 -J' },
      outboxMaxRows: 50_000,
      outboxMaxMb: 32,
      clockSyncIntervalS: 600,
      clockSkewMs: 0,
    });
    expect(c.sensors.cpuTempPath).toBeUndefined();
    expect(Object.isFrozen(c.hooks)).toBe(true);
  });

  it('takes hooks and sensors from the file or JSON env, refusing unknown hook names', () => {
    const c = loadAgentConfig(
      { ...file, hooks: { fmOn: 'gpioset gpiochip0 17=1' }, sensors: { modemCommand: null } },
      { NGUON_AGENT_FM_FALLBACK_DELAY_S: '60', NGUON_AGENT_CLOCK_SKEW_MS: '-300000' },
    );
    expect(c.hooks).toEqual({ fmOn: 'gpioset gpiochip0 17=1' });
    expect(c.sensors).toMatchObject({ modemCommand: null, throttledCommand: 'vcgencmd get_throttled' });
    expect(c).toMatchObject({ fmFallbackDelayS: 60, clockSkewMs: -300_000 });
    const fromEnv = loadAgentConfig(file, { NGUON_AGENT_HOOKS: '{"reboot":"systemctl reboot"}' });
    expect(fromEnv.hooks.reboot).toBe('systemctl reboot');
    const problems = problemsOf(() => loadAgentConfig({ ...file, hooks: { fmOnn: 'x' }, cacheMaxMb: 1 }, {}));
    expect(problems.join('\n')).toMatch(/hooks.*fmOnn/);
    expect(problems.join('\n')).toContain('cacheMaxMb:');
  });

  it('runs from env alone, without a file', () => {
    const c = loadAgentConfig(undefined, {
      NGUON_AGENT_DEVICE_ID: 'd2',
      NGUON_AGENT_SECRET: 'x',
      NGUON_AGENT_BROKER_URL: 'mqtt://h:1',
      NGUON_AGENT_DATA_DIR: './data',
    });
    expect(c.deviceId).toBe('d2');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      loadAgentConfig(
        { deviceId: 'bad/id', brokerUrl: 'http://x', heartbeatIntervalS: 0, player: 'pulse', areas: [[]], typo: 1 },
        { NGUON_AGENT_LOG_LEVEL: 'loud', NGUON_AGENT_AREAS: '[oops' },
      ),
    );
    const text = problems.join('\n');
    for (const field of [
      'deviceId',
      'secret',
      'brokerUrl',
      'dataDir',
      'heartbeatIntervalS',
      'player',
      'areas.0',
      'logLevel',
    ]) {
      expect(text).toContain(`${field}:`);
    }
    expect(text).toContain('NGUON_AGENT_AREAS: not valid JSON');
    expect(text).toMatch(/typo/);
    expect(problems.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses a file that is not an object and a non-numeric interval from env', () => {
    const problems = problemsOf(() => loadAgentConfig([1, 2], { NGUON_AGENT_HEARTBEAT_INTERVAL_S: 'soon' }));
    expect(problems[0]).toBe('config file: must be a JSON object');
    expect(problems.join('\n')).toContain('heartbeatIntervalS:');
  });
});
