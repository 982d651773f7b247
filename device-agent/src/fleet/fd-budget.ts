import { readFileSync } from 'node:fs';

/**
 * File descriptors one simulated receiver holds: its MQTT socket only, since simulated agents keep their
 * outbox in memory (storage: 'memory'). The link relay adds two
 * more per agent when flakiness is on.
 */
export const FDS_PER_AGENT = 1;
export const FDS_PER_RELAYED_LINK = 2;
/** For Node itself, stdio, media downloads in flight and the child's pipes. */
const RESERVED_FDS = 300;

/** The soft limit on open files (ulimit -n) from /proc/self/limits; Node has no getrlimit. */
export function openFileLimit(limitsText?: string): number {
  let text = limitsText;
  try {
    text ??= readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return 1024;
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
  if (soft === undefined) return 1024;
  return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
}

/**
 * How many receivers fit in one process under `limit` open files; `extraPerAgent` counts what else the
 * process holds per receiver (the relay's two sockets, or the broker's end of the connection when the
 * server runs in the same process).
 */
export function agentsPerProcess(limit: number, extraPerAgent = 0): number {
  return Math.max(1, Math.floor((limit - RESERVED_FDS) / (FDS_PER_AGENT + extraPerAgent)));
}
