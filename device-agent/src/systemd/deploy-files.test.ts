import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const UNIT = join(DEPLOY, 'nguon-agent.service');
const INSTALL = join(DEPLOY, 'install.sh');

/** Keys newer than the installed systemd are warned about and ignored; only these may be. */
const NEWER_KEYS = ['RestartSteps', 'RestartMaxDelaySec'];

type Unit = Map<string, Map<string, string[]>>;

/** A systemd unit as section → key → values (a key may repeat). */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined || !section) throw new Error(`not a unit line: ${raw}`);
    section.set(kv[1], [...(section.get(kv[1]) ?? []), kv[2]]);
  }
  return unit;
}

const which = async (cmd: string) =>
  run('/bin/sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  );

describe('nguon-agent.service', () => {
  it('runs the agent unprivileged, always restarted, watched and confined', async () => {
    const unit = parseUnit(await readFile(UNIT, 'utf8'));
    const service = unit.get('Service');
    const one = (key: string) => service?.get(key)?.at(-1);
    expect(one('User')).toBe('nguon');
    expect(one('Restart')).toBe('always');
    expect(Number.parseFloat(one('RestartSec') ?? '')).toBeGreaterThan(0);
    expect(one('WatchdogSec')).toBe('60');
    // The watchdog ping comes from a systemd-notify child process.
    expect(one('NotifyAccess')).toBe('all');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths')).toBe('/var/lib/nguon-agent');
    expect(one('SupplementaryGroups')?.split(/\s+/)).toEqual(expect.arrayContaining(['audio', 'gpio']));
    expect(one('ExecStart')).toBe(
      '/usr/bin/node $NGUON_NODE_FLAGS /opt/nguon-agent/app/device-agent/dist/nguon-agent.mjs /etc/nguon-agent/agent.json',
    );
    // The memory budget's flags (README, "Memory"); the soak benchmark reads the same line.
    expect(service?.get('Environment')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^"NGUON_NODE_FLAGS=.*--max-old-space-size=\d+.*"$/)]),
    );
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('passes systemd-analyze verify when systemd is installed', async (ctx) => {
    if (!(await which('systemd-analyze'))) {
      // CI (NGUON_REQUIRE_EXTERNAL=1) has systemd-analyze: its absence there is a failure, not a skip.
      if (process.env.NGUON_REQUIRE_EXTERNAL) throw new Error('systemd-analyze is missing');
      ctx.skip();
    }
    const dir = await mkdtemp(join(tmpdir(), 'nguon-unit-'));
    try {
      let text = await readFile(UNIT, 'utf8');
      // verify checks that the binary exists; where Node lives elsewhere, point it at this one.
      if (!existsSync('/usr/bin/node')) text = text.replace('/usr/bin/node', process.execPath);
      const copy = join(dir, 'nguon-agent.service');
      await writeFile(copy, text);
      const { stderr } = await run('systemd-analyze', ['verify', copy]);
      const unexpected = stderr
        .split('\n')
        .filter((l) => l.trim() !== '')
        .filter((l) => !NEWER_KEYS.some((k) => l.includes(`Unknown key '${k}'`)));
      expect(unexpected).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('install.sh', () => {
  it('is valid bash with strict mode and an architecture check', async () => {
    await run('bash', ['-n', INSTALL]);
    const text = await readFile(INSTALL, 'utf8');
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(text).toContain('dpkg --print-architecture');
    // Installs where the unit looks for the agent and its configuration.
    expect(text).toMatch(/^readonly INSTALL_DIR=\/opt\/nguon-agent$/m);
    expect(text).toContain('$INSTALL_DIR/app');
    expect(text).toMatch(/^readonly CONFIG_FILE=\$CONFIG_DIR\/agent\.json$/m);
    expect(text).toMatch(/^readonly CONFIG_DIR=\/etc\/nguon-agent$/m);
    expect(text).toMatch(/^readonly DATA_DIR=\/var\/lib\/nguon-agent$/m);
  });

  it('prints its usage and refuses bad arguments before touching the system', async () => {
    const help = await run('bash', [INSTALL, '--help']);
    expect(help.stdout).toContain('--device-id');
    await expect(run('bash', [INSTALL, '--player', 'pulse'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--player must be alsa or null'),
    });
    await expect(run('bash', [INSTALL, '--bogus'])).rejects.toMatchObject({ code: 2 });
  });
});
