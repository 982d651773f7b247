export type PlayOutcome = 'finished' | 'stopped' | 'failed';

export interface PlayResult {
  outcome: PlayOutcome;
  /** Time from start to end of the player process, as measured by the agent. */
  playedMs: number;
  reason?: string;
}

export interface PlayOptions {
  /** 0–100; the caller already folded `muted` into it. */
  volume: number;
  /** Start this far into the file (a receiver joining a scheduled item late); default 0. */
  offsetMs?: number;
}

export interface PlayHandle {
  /** Settles once, never rejects: a player that cannot run ends with outcome `failed`. */
  done: Promise<PlayResult>;
  /** Idempotent; `done` then settles with `stopped` unless it had already ended. */
  stop(): void;
}

/** Anything that can play one local audio file. The agent never knows which one it has. */
export interface Player {
  play(file: string, opts: PlayOptions): PlayHandle;
}
