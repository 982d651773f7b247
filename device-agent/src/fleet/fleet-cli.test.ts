import { describe, expect, it } from 'vitest';
import { agentsPerProcess, openFileLimit } from './fd-budget.js';
import { FleetArgsError, parseFleetArgs } from './fleet-cli-args.js';
import { aggregate, childArgv } from './fleet-processes.js';
import { parseCredentials, registerFleetDevices } from './fleet-register.js';

describe('fleet command line', () => {
  it('reads a credentials run with its options', () => {
    const args = parseFleetArgs([
      ...['--credentials', 'c.json', '--broker', 'mqtt://127.0.0.1:1883', '--count', '50'],
      ...['--skew-max-ms', '30000', '--flaky', '--flaky-down-s', '3', '--processes', '2'],
    ]);
    expect(args).toMatchObject({
      source: { kind: 'file', path: 'c.json' },
      count: 50,
      processes: 2,
      skewMaxMs: 30_000,
      flakiness: { meanUpS: 120, meanDownS: 3 },
      heartbeatS: 30,
      rate: 200,
    });
  });

  it('lists every problem at once', () => {
    const attempt = () => parseFleetArgs(['--server', 'http://x', '--rate', '0']);
    expect(attempt).toThrow(FleetArgsError);
    const message = (() => {
      try {
        attempt();
      } catch (err) {
        return (err as Error).message;
      }
    })();
    for (const problem of ['--token', '--unit', '--count', '--rate']) expect(message).toContain(problem);
    expect(() => parseFleetArgs(['--bogus'])).toThrow(FleetArgsError);
    expect(() => parseFleetArgs(['--credentials', 'c.json'])).toThrow(/--broker is required/);
  });

  it('hands children the same options with their own credentials file', () => {
    const args = parseFleetArgs(['--credentials', 'all.json', '--broker', 'mqtt://h:1', '--flaky', '--rate', '50']);
    if (args === 'help') throw new Error('unexpected');
    const argv = childArgv(args, 'part-1.json', 'mqtt://h:1');
    expect(argv.slice(0, 4)).toEqual(['--credentials', 'part-1.json', '--broker', 'mqtt://h:1']);
    expect(argv).toEqual(expect.arrayContaining(['--flaky', '--rate', '50']));
    expect(argv).not.toContain('all.json');
  });
});

describe('fleet figures', () => {
  it('sums counters and memory over children, takes the slowest time, recomputes MB per agent', () => {
    const lines = [
      { type: 'ready' as const, pid: 1, connected: 100, rssMb: 150, baseRssMb: 100, connectSeconds: 4, elapsedS: 4 },
      { type: 'ready' as const, pid: 2, connected: 100, rssMb: 160, baseRssMb: 100, connectSeconds: 6, elapsedS: 6 },
    ];
    expect(aggregate(lines)).toEqual({
      connected: 200,
      rssMb: 310,
      baseRssMb: 200,
      connectSeconds: 6,
      elapsedS: 6,
      mbPerAgent: 0.55,
    });
  });

  it('fits receivers to the open-file limit', () => {
    expect(
      openFileLimit(
        'Limit  Soft Limit  Hard Limit  Units\nMax open files            20000                20000                files\n',
      ),
    ).toBe(20_000);
    expect(agentsPerProcess(20_000)).toBe(19_700);
    expect(agentsPerProcess(20_000, 2)).toBe(6566);
  });
});

describe('fleet credentials', () => {
  it('keeps deviceId and secret of each entry and refuses malformed ones', () => {
    expect(parseCredentials([{ deviceId: 'r1', secret: 's', name: 'x' }])).toEqual([{ deviceId: 'r1', secret: 's' }]);
    expect(() => parseCredentials([{ deviceId: 'r1' }])).toThrow(/entry 0/);
    expect(() => parseCredentials({})).toThrow(/array/);
  });

  it('registers through the API with fresh hardware ids', async () => {
    const bodies: Array<{ unitCode: string; hardwareId: string }> = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { unitCode: string; hardwareId: string };
      bodies.push(body);
      const credentials = { deviceId: `r${bodies.length}`, secret: 's', brokerUrl: 'mqtt://h:1' };
      return new Response(JSON.stringify({ credentials }), { status: 201 });
    }) as typeof fetch;
    const devices = await registerFleetDevices({
      server: 'http://h',
      token: 't',
      unitCode: '19753',
      count: 20,
      fetch: fakeFetch,
    });
    expect(devices).toHaveLength(20);
    expect(new Set(bodies.map((b) => b.hardwareId)).size).toBe(20);
    expect(bodies.every((b) => b.unitCode === '19753')).toBe(true);
  });
});
