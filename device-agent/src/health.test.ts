import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthSchema } from '@nguon/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHealthProbe,
  linkTypeOf,
  parseDefaultRouteIface,
  parseWirelessSignalDbm,
  readCpuTempC,
} from './health.js';

const facts = { volume: 70, muted: false, playing: null };

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
wwan0\t00000000\t01000A0A\t0003\t0\t0\t700\t00000000\t0\t0\t0
`;
const WIRELESS = `Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE
 face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22
 wlan0: 0000   52.  -58.  -256        0      0      0      0     12        0
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nguon-health-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('health on this machine', () => {
  it('builds a valid Health payload, each field a value or null', async () => {
    const probe = createHealthProbe({ dataDir: dir, agentVersion: '0.1.0', startedAt: Date.now() - 5_000 });
    const h = await probe.collect({ ...facts, playing: { playId: 'p1', sha256: 'a'.repeat(64) } });
    expect(HealthSchema.parse(h)).toEqual(h);
    expect(h.agentUptimeS).toBeGreaterThanOrEqual(5);
    expect(h.memTotalMb).toBeGreaterThan(0);
    expect(h.diskTotalMb).toBeGreaterThan(0);
    expect(h.playing?.playId).toBe('p1');
    expect(['ethernet', 'wifi', 'cellular', 'unknown']).toContain(h.link.type);
  });

  it('reports null, never throws, where sensors and the data dir are missing', async () => {
    const probe = createHealthProbe({
      dataDir: join(dir, 'missing'),
      agentVersion: '0.1.0',
      startedAt: Date.now(),
      procRoot: join(dir, 'no-proc'),
      sysRoot: join(dir, 'no-sys'),
    });
    const h = await probe.collect(facts);
    expect(HealthSchema.parse(h)).toEqual(h);
    expect(h).toMatchObject({ cpuTempC: null, diskTotalMb: null, diskUsedPct: null });
    expect(h.link).toEqual({ type: 'unknown', signalDbm: null });
  });

  it('reads link type and wifi signal from proc files', async () => {
    const proc = join(dir, 'proc');
    await mkdir(join(proc, 'net'), { recursive: true });
    await writeFile(join(proc, 'net', 'route'), ROUTE);
    await writeFile(join(proc, 'net', 'wireless'), WIRELESS);
    const probe = createHealthProbe({ dataDir: dir, agentVersion: 'x', startedAt: Date.now(), procRoot: proc });
    expect((await probe.collect(facts)).link).toEqual({ type: 'wifi', signalDbm: -58 });
  });
});

describe('health with receiver facts and sensors', () => {
  it('reports hooks, FM, outbox, clock and Pi sensors, and nulls what a sensor cannot read', async () => {
    const zone = join(dir, 'zone0-temp');
    await writeFile(zone, '61234\n');
    const probe = createHealthProbe({
      dataDir: dir,
      agentVersion: 'x',
      startedAt: Date.now(),
      cpuTempPath: zone,
      sensors: {
        power: async () => ({ underVoltage: true, underVoltageEver: true, throttled: false, throttledEver: false }),
        modem: async () => ({ signalQualityPct: 67, accessTech: 'lte' }),
      },
    });
    const h = await probe.collect({
      ...facts,
      amplifierOn: true,
      fmActive: false,
      outbox: { full: true, pending: 12, refusedLogs: 1 },
      clockOffsetMs: -300_012,
      cacheUsedMb: 12.5,
    });
    expect(HealthSchema.parse(h)).toEqual(h);
    expect(h).toMatchObject({
      cpuTempC: 61.2,
      power: { underVoltage: true, throttled: false },
      link: { signalQualityPct: 67, accessTech: 'lte' },
      amplifierOn: true,
      fmActive: false,
      outboxFull: true,
      outboxPending: 12,
      outboxRefusedLogs: 1,
      clockOffsetMs: -300_012,
      cacheUsedMb: 12.5,
    });

    const broken = createHealthProbe({
      dataDir: dir,
      agentVersion: 'x',
      startedAt: Date.now(),
      cpuTempPath: join(dir, 'no-such-zone'),
      sensors: {
        power: async () => {
          throw new Error('vcgencmd crashed');
        },
        modem: async () => null,
      },
    });
    const b = await broken.collect({ ...facts, clockOffsetMs: 1.5 });
    expect(HealthSchema.parse(b)).toEqual(b);
    expect(b).toMatchObject({ cpuTempC: null, power: null, clockOffsetMs: null });
  });
});

describe('health parsers', () => {
  it('picks the default route with the lowest metric', () => {
    expect(parseDefaultRouteIface(ROUTE)).toBe('wlan0');
    expect(
      parseDefaultRouteIface(ROUTE.replace('wlan0\t00000000\t0101A8C0\t0003', 'wlan0\t00000000\t0101A8C0\t0002')),
    ).toBe('wwan0');
    expect(parseDefaultRouteIface('Iface\tDestination\n')).toBeNull();
  });

  it('maps interface names to link types', () => {
    expect(linkTypeOf('eth0')).toBe('ethernet');
    expect(linkTypeOf('enp3s0')).toBe('ethernet');
    expect(linkTypeOf('wlan0')).toBe('wifi');
    expect(linkTypeOf('wlp2s0')).toBe('wifi');
    expect(linkTypeOf('wwan0')).toBe('cellular');
    expect(linkTypeOf('ppp0')).toBe('cellular');
    expect(linkTypeOf('usb0')).toBe('cellular');
    expect(linkTypeOf('tun0')).toBe('unknown');
    expect(linkTypeOf(null)).toBe('unknown');
  });

  it('reads the signal level of one card and ignores others', () => {
    expect(parseWirelessSignalDbm(WIRELESS, 'wlan0')).toBe(-58);
    expect(parseWirelessSignalDbm(WIRELESS, 'wlan1')).toBeNull();
    expect(parseWirelessSignalDbm(WIRELESS.replace('-58.', '70.'), 'wlan0')).toBeNull();
  });

  it('takes the hottest thermal zone in °C', async () => {
    const sys = join(dir, 'sys');
    for (const [zone, milli] of [
      ['thermal_zone0', '48312'],
      ['thermal_zone1', '51000'],
      ['thermal_zone2', 'garbage'],
    ] as const) {
      await mkdir(join(sys, 'class', 'thermal', zone), { recursive: true });
      await writeFile(join(sys, 'class', 'thermal', zone, 'temp'), `${milli}\n`);
    }
    expect(await readCpuTempC(sys)).toBe(51);
    expect(await readCpuTempC(join(dir, 'nowhere'))).toBeNull();
  });
});
