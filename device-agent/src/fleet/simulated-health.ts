import type { Health, LinkType } from '@nguon/schemas';
import type { HealthProbe } from '../index.js';

/**
 * Health readings for a simulated receiver. The real probe reads /proc, /sys and statfs on every
 * heartbeat, which for thousands of agents in one process would measure the same host thousands of
 * times; instead each receiver gets plausible readings of its own (a link type and signal, a board
 * temperature, an SD card) that drift a little between heartbeats, so the console has varied data.
 */
export function createSimulatedHealth(opts: {
  agentVersion: string;
  now: () => number;
  random: () => number;
}): HealthProbe {
  const { random } = opts;
  const roll = random();
  // A province's mix as vendors describe it: mostly 4G SIMs, some Ethernet at the commune office, a little Wi-Fi.
  const type: LinkType = roll < 0.6 ? 'cellular' : roll < 0.85 ? 'ethernet' : 'wifi';
  const baseSignal = type === 'ethernet' ? null : Math.round(-55 - random() * 45);
  const baseTemp = 38 + random() * 20;
  const bootedAgoS = Math.round(random() * 30 * 86_400);
  const diskUsedPct = Math.round((8 + random() * 30) * 10) / 10;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  // The first reading comes with the first heartbeat, right after the agent connected.
  let startedAt: number | null = null;

  return {
    async collect(facts): Promise<Health> {
      startedAt ??= opts.now();
      const agentUptimeS = Math.max(0, Math.round((opts.now() - startedAt) / 1000));
      return {
        uptimeS: bootedAgoS + agentUptimeS,
        agentUptimeS,
        cpuTempC: round1(baseTemp + random() * 2),
        load1: round1(0.05 + random() * 0.3),
        memTotalMb: 1906.4,
        memUsedPct: round1(18 + random() * 4),
        diskTotalMb: 14_832.5,
        diskUsedPct,
        volume: facts.volume,
        muted: facts.muted,
        agentVersion: opts.agentVersion.slice(0, 40),
        link: { type, signalDbm: baseSignal === null ? null : baseSignal + Math.round(random() * 6 - 3) },
        playing: facts.playing,
      };
    },
  };
}
