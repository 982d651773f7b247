import {
  type Command,
  type DecodeErrorCode,
  type DesiredState,
  decode,
  type EmergencyMessage,
  type Playlist,
  parseTopic,
  type TimeResponse,
} from '@nguon/protocols';

export interface MessageHandlers {
  command(cmd: Command, source: 'device' | 'area'): void;
  desired(state: DesiredState): void;
  /** Optional so callers that do not sync clocks need not handle it; unhandled ones are dropped. */
  time?(res: TimeResponse): void;
  /** Optional like `time`: the receiver's programme, retained on its playlist topic. */
  playlist?(p: Playlist): void;
  /** Optional like `time`: an emergency start or stop record (area or this device, issue 7). */
  emergency?(msg: EmergencyMessage): void;
  dropped(info: { topic: string; code: DecodeErrorCode | 'unexpected'; message: string }): void;
  /**
   * A command for this device that fails the contract's schema but carries a usable id: answered with
   * an `invalid` error reply (issue 5 item 9), so the operator learns why nothing happened.
   */
  invalidCommand?(info: { id: string; message: string }): void;
}

/** The `id` of a malformed command, when it has one a reply can carry (MessageIdSchema: 1..100 chars). */
function idOfInvalidCommand(deviceId: string, topic: string, payload: Buffer): string | null {
  const t = parseTopic(topic);
  const forMe = t?.suffix === 'cmd' && (t.scope === 'area' || t.deviceId === deviceId);
  if (!forMe) return null;
  try {
    const id: unknown = (JSON.parse(payload.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id.length >= 1 && id.length <= 100 ? id : null;
  } catch {
    return null;
  }
}

/**
 * Every incoming message passes through `decode()` here. Anything that is not a command, desired state,
 * time answer or playlist for this very device (bad JSON, wrong schema, another device's topic, a
 * device-originated kind) is handed to `dropped`, never thrown.
 */
export function routeMessage(deviceId: string, topic: string, payload: Buffer, on: MessageHandlers): void {
  const d = decode(topic, payload);
  if (!d.ok) {
    on.dropped({ topic, code: d.code, message: d.message });
    const id = d.code === 'invalid' && on.invalidCommand ? idOfInvalidCommand(deviceId, topic, payload) : null;
    if (id !== null) on.invalidCommand?.({ id, message: d.message });
  } else if (d.kind === 'command' && d.deviceId === deviceId) on.command(d.message, 'device');
  else if (d.kind === 'areaCommand') on.command(d.message, 'area');
  else if (d.kind === 'desired' && d.deviceId === deviceId) on.desired(d.message);
  else if (d.kind === 'timeResponse' && d.deviceId === deviceId && on.time) on.time(d.message);
  else if (d.kind === 'playlist' && d.deviceId === deviceId && on.playlist) on.playlist(d.message);
  else if (d.kind === 'emergency' && on.emergency) on.emergency(d.message);
  else if (d.kind === 'deviceEmergency' && d.deviceId === deviceId && on.emergency) on.emergency(d.message);
  else on.dropped({ topic, code: 'unexpected', message: `${d.kind} is not for this device` });
}
