import type { Agent } from '../index.js';

export interface FleetStats {
  devices: number;
  /** Agents whose start() has resolved. */
  started: number;
  startFailures: number;
  /** Agents connected right now (subscribed and announced online). */
  connected: number;
  /** Every successful connection, first ones and reconnections alike. */
  connects: number;
  disconnects: number;
  commands: number;
  /** Commands answered with ok: false (expired, duplicate, download or player failure). */
  refusedCommands: number;
  /** Playbacks started. */
  plays: number;
  finished: number;
  failedPlays: number;
  /** Links cut by the flakiness driver. */
  cuts: number;
  /** startFailures + refusedCommands + failedPlays: anything a healthy fleet should not see. */
  errors: number;
}

export interface StatsTracker {
  watch(agent: Agent, deviceId: string): void;
  startFailed(): void;
  started(): void;
  connectedCount(): number;
  /** Resolves once at least `count` agents are connected at the same time. */
  untilConnected(count: number): Promise<void>;
  snapshot(cuts: number): FleetStats;
}

/** Counts what the agents report through their public events; nothing here reaches inside an agent. */
export function createStatsTracker(devices: number): StatsTracker {
  const connected = new Set<string>();
  const c = {
    started: 0,
    startFailures: 0,
    connects: 0,
    disconnects: 0,
    commands: 0,
    refusedCommands: 0,
    plays: 0,
    finished: 0,
    failedPlays: 0,
  };
  let waiters: Array<{ count: number; resolve: () => void }> = [];

  const wake = () => {
    const due = waiters.filter((w) => connected.size >= w.count);
    if (due.length === 0) return;
    waiters = waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
  };

  return {
    watch(agent, deviceId) {
      agent.on('connected', () => {
        c.connects++;
        connected.add(deviceId);
        wake();
      });
      agent.on('disconnected', () => {
        c.disconnects++;
        connected.delete(deviceId);
      });
      agent.on('stopped', () => connected.delete(deviceId));
      agent.on('command', ({ reply }) => {
        c.commands++;
        if (!reply.ok) c.refusedCommands++;
      });
      agent.on('playback', ({ event }) => {
        if (event === 'started') c.plays++;
        else if (event === 'finished') c.finished++;
        else if (event === 'failed') c.failedPlays++;
      });
    },
    startFailed: () => void c.startFailures++,
    started: () => void c.started++,
    connectedCount: () => connected.size,
    untilConnected(count) {
      return new Promise((resolve) => {
        waiters.push({ count, resolve });
        wake();
      });
    },
    snapshot: (cuts) => ({
      devices,
      ...c,
      connected: connected.size,
      cuts,
      errors: c.startFailures + c.refusedCommands + c.failedPlays,
    }),
  };
}
