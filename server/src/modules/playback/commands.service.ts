import { randomUUID } from 'node:crypto';
import { type Command, encodeForDevice, type Reply } from '@nguon/protocols';
import { PRIORITY, type PriorityCode } from '@nguon/schemas';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { commandReplies, commands } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { DesiredStateService } from '../devices/desired-state.service.js';
import type { DevicesService } from '../devices/devices.service.js';

export interface MediaLookup {
  get(sha256: string): { sha256: string; sizeBytes: number; durationMs: number } | undefined;
}

type CommandBody =
  | {
      type: 'play';
      playId: string;
      media: Extract<Command, { type: 'play' }>['media'];
      priority: PriorityCode;
      volume?: number;
    }
  | { type: 'stop'; playId?: string }
  | { type: 'setVolume'; volume: number; muted?: boolean };

export function createCommandsService(deps: {
  db: Db;
  mqtt: ServerMqtt;
  devices: DevicesService;
  desired: DesiredStateService;
  media: MediaLookup;
  mediaUrl: (sha256: string) => string;
  commandTtlMs: number;
  clock: () => number;
  log: Logger;
}) {
  const { db, mqtt, devices, clock, log } = deps;

  async function sendToDevice(deviceId: string, body: CommandBody, actorId: number | null) {
    const device = devices.get(deviceId);
    if (device.revokedAt !== null) throw new AppError('conflict', `device ${deviceId} is revoked`);
    const ts = clock();
    const command = { v: 1, id: randomUUID(), ts, expiresAt: ts + deps.commandTtlMs, ...body } as Command;
    db.insert(commands)
      .values({
        id: command.id,
        type: command.type,
        targetKind: 'device',
        target: deviceId,
        payload: command,
        createdBy: actorId,
        expiresAt: command.expiresAt,
      })
      .run();
    await mqtt.publish(encodeForDevice('command', deviceId, command));
    log.info({ deviceId, commandId: command.id, type: command.type }, 'command sent');
    return command;
  }

  return {
    async playNow(deviceId: string, input: { sha256: string; volume?: number | undefined }, actorId: number | null) {
      const m = deps.media.get(input.sha256);
      if (!m) throw notFound(`media ${input.sha256}`);
      const media = {
        sha256: m.sha256,
        url: deps.mediaUrl(m.sha256),
        sizeBytes: m.sizeBytes,
        durationMs: m.durationMs,
      };
      const body: CommandBody = { type: 'play', playId: randomUUID(), media, priority: PRIORITY.normal };
      if (input.volume !== undefined) body.volume = input.volume;
      const cmd = await sendToDevice(deviceId, body, actorId);
      return { commandId: cmd.id, playId: (cmd as { playId: string }).playId, expiresAt: cmd.expiresAt };
    },

    async stop(deviceId: string, playId: string | undefined, actorId: number | null) {
      const cmd = await sendToDevice(deviceId, playId ? { type: 'stop', playId } : { type: 'stop' }, actorId);
      return { commandId: cmd.id, expiresAt: cmd.expiresAt };
    },

    /** Applies at once by command and persists as desired state, so a reboot keeps the new volume. */
    async setVolume(deviceId: string, volume: number, muted: boolean | undefined, actorId: number | null) {
      devices.setDesired(deviceId, muted === undefined ? { volume } : { volume, muted });
      await deps.desired.publish(deviceId);
      const cmd = await sendToDevice(
        deviceId,
        muted === undefined ? { type: 'setVolume', volume } : { type: 'setVolume', volume, muted },
        actorId,
      );
      return { commandId: cmd.id, expiresAt: cmd.expiresAt };
    },

    onReply(deviceId: string, reply: Reply): void {
      const cmd = db.select({ id: commands.id }).from(commands).where(eq(commands.id, reply.id)).get();
      if (!cmd) return void log.warn({ deviceId, commandId: reply.id }, 'reply to an unknown command');
      db.insert(commandReplies)
        .values({
          commandId: reply.id,
          deviceId,
          ok: reply.ok,
          errorCode: reply.ok ? null : reply.error.code,
          errorMessage: reply.ok ? null : reply.error.message,
          result: reply.ok ? (reply.result ?? null) : null,
          receivedAt: clock(),
        })
        .onConflictDoNothing()
        .run();
    },

    get(id: string) {
      const cmd = db.select().from(commands).where(eq(commands.id, id)).get();
      if (!cmd) throw notFound(`command ${id}`);
      const replies = db.select().from(commandReplies).where(eq(commandReplies.commandId, id)).all();
      return { ...cmd, replies };
    },
  };
}
export type CommandsService = ReturnType<typeof createCommandsService>;
