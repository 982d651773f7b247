import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

describe('uplink and national settings', () => {
  it('are off by default', () => {
    const c = loadConfig({});
    expect(c.uplink).toMatchObject({ url: undefined, intervalMs: 30_000, timeoutMs: 15_000 });
    expect(c.national).toEqual({ enabled: false, ratePerMinute: 120 });
  });

  it('read every variable, trimming a trailing slash of the URL', () => {
    const c = loadConfig({
      NGUON_UPLINK_URL: 'https://tw.example.vn/api/national/',
      NGUON_UPLINK_TOKEN: 'x'.repeat(20),
      NGUON_UPLINK_STATION_ID: 'ST-46',
      NGUON_UPLINK_STATION_NAME: 'Đài nguồn Huế',
      NGUON_UPLINK_UNIT: '46',
      NGUON_UPLINK_PROVINCE_CODE: '46',
      NGUON_UPLINK_INTERVAL_S: '10',
      NGUON_UPLINK_TIMEOUT_S: '2.5',
      NGUON_NATIONAL_ENABLED: 'true',
      NGUON_NATIONAL_RATE_PER_MIN: '30',
    });
    expect(c.uplink).toEqual({
      url: 'https://tw.example.vn/api/national',
      token: 'x'.repeat(20),
      stationId: 'ST-46',
      stationName: 'Đài nguồn Huế',
      unitCode: '46',
      provinceCode: '46',
      intervalMs: 10_000,
      timeoutMs: 2_500,
    });
    expect(c.national).toEqual({ enabled: true, ratePerMinute: 30 });
  });

  it('refuse a URL without a token, and nonsense, all at once', () => {
    try {
      loadConfig({ NGUON_UPLINK_URL: 'https://tw.example.vn', NGUON_UPLINK_INTERVAL_S: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).toMatch(/NGUON_UPLINK_INTERVAL_S/);
    }
    expect(() => loadConfig({ NGUON_UPLINK_URL: 'https://tw.example.vn' })).toThrow(/NGUON_UPLINK_TOKEN/);
  });
});
