import { readdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { type Health, HealthSchema, type LinkType } from '@nguon/schemas';
import { type FaultSensors, faultHealth } from './sensors/fault-sensors.js';
import type { SensorReader } from './sensors/pi-sensors.js';

/** What the agent itself knows; everything else is read from the system. */
export interface AgentHealthFacts {
  volume: number;
  muted: boolean;
  playing: { playId: string; sha256: string } | null;
  amplifierOn?: boolean | null;
  fmActive?: boolean;
  outbox?: { full: boolean; pending: number; refusedLogs: number };
  clockOffsetMs?: number | null;
  cacheUsedMb?: number | null;
}

export interface HealthProbe {
  collect(facts: AgentHealthFacts): Promise<Health>;
}

export interface HealthProbeOptions {
  dataDir: string;
  agentVersion: string;
  /** When the agent started (epoch ms), for agentUptimeS. */
  startedAt: number;
  now?: () => number;
  /** Root of /proc and /sys, replaceable so tests can point at fixtures. */
  procRoot?: string;
  sysRoot?: string;
  /** One file to read the CPU temperature from (millidegrees); default: the hottest thermal zone. */
  cpuTempPath?: string;
  /** Raspberry Pi power flags and the cellular modem; absent = not read. */
  sensors?: SensorReader;
  /** Speaker line and amplifier fault lines; absent = not measured. */
  faults?: FaultSensors;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const MB = 1024 * 1024;

/** Readers return null for any absent or unreadable sensor: a receiver model lacking one must still report. */
async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** The hottest thermal zone, in °C (a Pi has one; x86 boards have several, the hottest is the one to watch). */
export async function readCpuTempC(sysRoot = '/sys'): Promise<number | null> {
  let zones: string[];
  try {
    zones = (await readdir(`${sysRoot}/class/thermal`)).filter((z) => /^thermal_zone\d+$/.test(z));
  } catch {
    return null;
  }
  const temps = await Promise.all(zones.map((z) => readText(`${sysRoot}/class/thermal/${z}/temp`)));
  const valid = temps
    .map((t) => (t === null ? Number.NaN : Number.parseInt(t.trim(), 10) / 1000))
    .filter((c) => Number.isFinite(c) && c >= -60 && c <= 150);
  return valid.length ? round1(Math.max(...valid)) : null;
}

/** A sysfs temperature file in millidegrees Celsius, or null. */
export async function readTempFileC(path: string): Promise<number | null> {
  const text = await readText(path);
  const c = text === null ? Number.NaN : Number.parseInt(text.trim(), 10) / 1000;
  return Number.isFinite(c) && c >= -60 && c <= 150 ? round1(c) : null;
}

/** Interface of the default route with the lowest metric, from /proc/net/route. */
export function parseDefaultRouteIface(routeTable: string): string | null {
  let best: { iface: string; metric: number } | null = null;
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, , flags, , , metric] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000') continue;
    // RTF_UP = 0x1: a route that is down carries no traffic.
    if ((Number.parseInt(flags ?? '0', 16) & 1) === 0) continue;
    const m = Number.parseInt(metric ?? '0', 10);
    if (!best || m < best.metric) best = { iface, metric: m };
  }
  return best?.iface ?? null;
}

export function linkTypeOf(iface: string | null): LinkType {
  if (!iface) return 'unknown';
  if (/^(eth|en)/.test(iface)) return 'ethernet';
  if (/^(wlan|wl)/.test(iface)) return 'wifi';
  if (/^(wwan|ppp|usb)/.test(iface)) return 'cellular';
  return 'unknown';
}

/** Signal level (dBm) of `iface` from /proc/net/wireless, whose two header lines precede one line per card. */
export function parseWirelessSignalDbm(wireless: string, iface: string): number | null {
  for (const line of wireless.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (name?.trim() !== iface || rest === undefined) continue;
    const level = Number.parseFloat(rest.trim().split(/\s+/)[2] ?? '');
    // Some drivers report a quality scale instead of dBm; anything outside the dBm range is no reading.
    return Number.isFinite(level) && level >= -200 && level <= 0 ? level : null;
  }
  return null;
}

async function readLink(procRoot: string): Promise<Health['link']> {
  const route = await readText(`${procRoot}/net/route`);
  const iface = route === null ? null : parseDefaultRouteIface(route);
  const wireless = iface ? await readText(`${procRoot}/net/wireless`) : null;
  return {
    type: linkTypeOf(iface),
    signalDbm: wireless !== null && iface ? parseWirelessSignalDbm(wireless, iface) : null,
  };
}

async function readDisk(dataDir: string): Promise<{ totalMb: number | null; usedPct: number | null }> {
  try {
    const s = await statfs(dataDir);
    const used = s.blocks - s.bfree;
    // Like df: what an unprivileged process can use is used + bavail (root's reserve is not ours).
    const usable = used + s.bavail;
    return {
      totalMb: round1((s.blocks * s.bsize) / MB),
      usedPct: usable > 0 ? round1((used / usable) * 100) : null,
    };
  } catch {
    return { totalMb: null, usedPct: null };
  }
}

function readMemory(): { totalMb: number | null; usedPct: number | null } {
  const total = os.totalmem();
  if (!(total > 0)) return { totalMb: null, usedPct: null };
  const usedPct = Math.min(100, Math.max(0, ((total - os.freemem()) / total) * 100));
  return { totalMb: round1(total / MB), usedPct: round1(usedPct) };
}

function readLoad1(): number | null {
  const load = os.loadavg()[0];
  return load !== undefined && Number.isFinite(load) && load >= 0 ? Math.round(load * 100) / 100 : null;
}

/** The optional facts, present only when the agent knows them (older servers ignore unknown fields). */
function agentFacts(facts: AgentHealthFacts): Partial<Health> {
  const out: Partial<Health> = {};
  if (facts.amplifierOn !== undefined) out.amplifierOn = facts.amplifierOn;
  if (facts.fmActive !== undefined) out.fmActive = facts.fmActive;
  if (facts.outbox) {
    out.outboxFull = facts.outbox.full;
    out.outboxPending = facts.outbox.pending;
    out.outboxRefusedLogs = facts.outbox.refusedLogs;
  }
  if (facts.clockOffsetMs !== undefined) out.clockOffsetMs = facts.clockOffsetMs;
  if (facts.cacheUsedMb !== undefined) out.cacheUsedMb = facts.cacheUsedMb;
  return out;
}

export function createHealthProbe(opts: HealthProbeOptions): HealthProbe {
  const now = opts.now ?? Date.now;
  const procRoot = opts.procRoot ?? '/proc';
  const sysRoot = opts.sysRoot ?? '/sys';
  const none = async () => null;
  return {
    async collect(facts) {
      const [cpuTempC, disk, link, power, modem, faults] = await Promise.all([
        opts.cpuTempPath ? readTempFileC(opts.cpuTempPath) : readCpuTempC(sysRoot),
        readDisk(opts.dataDir),
        readLink(procRoot).catch((): Health['link'] => ({ type: 'unknown', signalDbm: null })),
        (opts.sensors?.power ?? none)().catch(() => null),
        (opts.sensors?.modem ?? none)().catch(() => null),
        opts.faults ? opts.faults.read().catch(() => ({})) : {},
      ]);
      const mem = readMemory();
      const health: Health = {
        uptimeS: Math.round(os.uptime()),
        agentUptimeS: Math.max(0, Math.round((now() - opts.startedAt) / 1000)),
        cpuTempC,
        load1: readLoad1(),
        memTotalMb: mem.totalMb,
        memUsedPct: mem.usedPct,
        diskTotalMb: disk.totalMb,
        diskUsedPct: disk.usedPct,
        volume: facts.volume,
        muted: facts.muted,
        agentVersion: opts.agentVersion.slice(0, 40),
        link: modem ? { ...link, ...modem } : link,
        playing: facts.playing,
        ...(opts.sensors ? { power } : {}),
        ...agentFacts(facts),
        ...faultHealth(faults),
      };
      // A sensor value the contract would refuse must not cost the whole heartbeat: fall back to null.
      return HealthSchema.safeParse(health).success ? health : sanitize(health);
    },
  };
}

/** Replaces each field the contract refuses by null (or leaves it out when it is optional). */
function sanitize(h: Health): Health {
  const out: Record<string, unknown> = { ...h };
  for (const [key, schema] of Object.entries(HealthSchema.shape)) {
    if (schema.safeParse(out[key]).success) continue;
    if (schema.safeParse(null).success) out[key] = null;
    else if (schema.safeParse(undefined).success) delete out[key];
  }
  if (!HealthSchema.shape.link.safeParse(out.link).success) out.link = { type: 'unknown', signalDbm: null };
  for (const key of ['uptimeS', 'agentUptimeS'] as const) {
    if (!HealthSchema.shape[key].safeParse(out[key]).success) out[key] = 0;
  }
  return out as Health;
}
