import type { Command, ReplyErrorCode } from '@nguon/protocols';
import type { ClockSample } from '../clock/clock-math.js';
import type { Hardware } from '../hardware/hardware.js';
import type { RemoteSettings, StateStore } from '../state/state-store.js';

/** What handling a command came to; `after` runs once the reply is on its way (reboot, restart). */
export type CommandOutcome =
  | { ok: true; result?: Record<string, unknown>; after?: () => Promise<void> }
  | { ok: false; code: ReplyErrorCode; message: string };

export type ControlCommand = Exclude<Command, { type: 'play' | 'stop' | 'setVolume' }>;

export interface ControlDeps {
  state: Pick<StateStore, 'get' | 'setMuted' | 'setSettings'>;
  hardware: Pick<Hardware, 'amplifier' | 'has'>;
  syncClock: () => Promise<ClockSample | null>;
  /** Sends a heartbeat at once. */
  reportNow: () => Promise<void>;
  /** Applies changed settings to the running parts (heartbeat interval, FM delay). */
  applySettings: (settings: RemoteSettings) => void;
  /** Flushes the outbox, then runs the reboot hook. */
  reboot: () => Promise<void>;
  /** Stops the agent cleanly and has it started again (by systemd, or in place). */
  restart: () => Promise<void>;
}

/** Remote control of a receiver (issue 5 item 3): everything but play, stop and volume. */
export function createControlCommands(deps: ControlDeps): (cmd: ControlCommand) => Promise<CommandOutcome> {
  async function setConfig(cmd: Extract<ControlCommand, { type: 'setConfig' }>): Promise<CommandOutcome> {
    const changed: RemoteSettings = {};
    if (cmd.heartbeatIntervalS !== undefined) changed.heartbeatIntervalS = cmd.heartbeatIntervalS;
    if (cmd.fmFallbackDelayS !== undefined) changed.fmFallbackDelayS = cmd.fmFallbackDelayS;
    await deps.state.setSettings(changed);
    deps.applySettings(deps.state.get().settings);
    return { ok: true, result: { settings: deps.state.get().settings } };
  }

  return async (cmd) => {
    switch (cmd.type) {
      case 'setMute': {
        await deps.state.setMuted(cmd.muted);
        const { volume, muted } = deps.state.get();
        // Like volume, mute applies from the next playback: the player's gain is fixed when it starts.
        return { ok: true, result: { volume, muted } };
      }
      case 'amplifier': {
        const r = await deps.hardware.amplifier(cmd.on);
        return r.ok ? { ok: true, result: { amplifierOn: cmd.on } } : r;
      }
      case 'reboot':
        if (!deps.hardware.has('reboot')) {
          return { ok: false, code: 'unsupported', message: 'no reboot hook configured on this receiver' };
        }
        return { ok: true, result: { state: 'rebooting' }, after: deps.reboot };
      case 'restartAgent':
        return { ok: true, result: { state: 'restarting' }, after: deps.restart };
      case 'syncNow': {
        const sample = await deps.syncClock();
        return { ok: true, result: sample ? { synced: true, ...sample } : { synced: false } };
      }
      case 'reportNow':
        await deps.reportNow();
        return { ok: true };
      case 'setConfig':
        return setConfig(cmd);
    }
  };
}
