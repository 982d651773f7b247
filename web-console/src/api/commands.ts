import { z } from 'zod';
import { post } from './http.js';

/**
 * Remote control beyond play/stop/volume (issue 5): `POST /api/v1/devices/:id/commands` with a command
 * kind. Not part of this build yet: a control that gets "no route" shows the feature as not available.
 */
export const COMMAND_KINDS = ['reboot', 'amplifier_on', 'amplifier_off', 'mute', 'unmute'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

export const sendCommand = (deviceId: string, kind: CommandKind) =>
  post(
    `/api/v1/devices/${encodeURIComponent(deviceId)}/commands`,
    { kind },
    z.object({ commandId: z.string() }).loose(),
  );
