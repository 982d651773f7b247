import { randomUUID } from 'node:crypto';
import { type Command, encodeForArea, encodeForDevice, type Outgoing, type Reply } from '@nguon/protocols';
import { PRIORITY } from '@nguon/schemas';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/db.js';
import { commandReplies, commands } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { DesiredStateService } from '../devices/desired-state.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UnitsService } from '../units/units.service.js';
import type { CommandBody, CommandTarget, OperatorCommand } from './command-bodies.js';
import { createCommandHistory } from './command-history.js';

export interface MediaLookup {
  get(sha256: string): { sha256: string; sizeBytes: number; durationMs: number } | undefined;
}

export interface SentCommand {
  commandId: string;
  type: Command['type'];
  expiresAt: number;
  /** Receivers the command was published to (for a unit: those registered in its subtree). */
  devices: number;
  playId?: string;
}

export function createCommandsService(deps: {
  db: Db;
  mqtt: ServerMqtt;
  devices: DevicesService;
  desired: DesiredStateService;
  groups: Pick<GroupsService, 'devicesOf'>;
  units: Pick<UnitsService, 'get' | 'path'>;
  media: MediaLookup;
  mediaUrl: (sha256: string) => string;
  commandTtlMs: number;
  clock: () => number;
  log: Logger;
}) {
  const { db, mqtt, devices, clock, log } = deps;
  const history = createCommandHistory({ db, clock });

  function toBody(input: OperatorCommand): CommandBody {
    if (input.type !== 'play') return input;
    const m = deps.media.get(input.sha256);
    if (!m) throw notFound(`media ${input.sha256}`);
    const media = { sha256: m.sha256, url: deps.mediaUrl(m.sha256), sizeBytes: m.sizeBytes, durationMs: m.durationMs };
    return {
      type: 'play',
      playId: randomUUID(),
      media,
      priority: PRIORITY.normal,
      ...(input.volume !== undefined ? { volume: input.volume } : {}),
    };
  }

  /** Receivers reached; live (not revoked) ones only, as a revoked receiver cannot connect. */
  function reached(target: CommandTarget): string[] {
    if (target.kind === 'device') {
      const d = devices.get(target.id);
      if (d.revokedAt !== null) throw new AppError('conflict', `device ${target.id} is revoked`);
      return [d.id];
    }
    if (target.kind === 'group') return deps.groups.devicesOf(target.id);
    if (!deps.units.get(target.id)) throw notFound(`unit ${target.id}`);
    return devices.list({ all: false, unitId: target.id }).flatMap((d) => (d.revokedAt === null ? [d.id] : []));
  }

  /** Volume and mute also become desired state, so a receiver that reboots or was offline keeps them. */
  async function persistDesired(body: CommandBody, ids: string[]): Promise<void> {
    if (body.type !== 'setVolume' && body.type !== 'setMute') return;
    const patch =
      body.type === 'setMute'
        ? { muted: body.muted }
        : body.muted === undefined
          ? { volume: body.volume }
          : { volume: body.volume, muted: body.muted };
    for (const id of ids) devices.setDesired(id, patch);
    await Promise.all(
      ids.map((id) => deps.desired.publish(id).catch((err) => log.warn({ err, deviceId: id }, 'desired not sent'))),
    );
  }

  async function send(target: CommandTarget, input: OperatorCommand | CommandBody, actorId: number | null) {
    const body = 'sha256' in input ? toBody(input) : (input as CommandBody);
    const ids = reached(target);
    const ts = clock();
    const command = { v: 1, id: randomUUID(), ts, expiresAt: ts + deps.commandTtlMs, ...body } as Command;
    // A unit command travels once on the subtree's area topic, which every receiver below subscribes to.
    const outgoing: Outgoing[] =
      target.kind === 'unit'
        ? [encodeForArea('areaCommand', deps.units.path(target.id), command)]
        : ids.map((id) => encodeForDevice('command', id, command));
    db.insert(commands)
      .values({
        id: command.id,
        type: command.type,
        targetKind: target.kind,
        target: String(target.id),
        payload: command,
        createdBy: actorId,
        expiresAt: command.expiresAt,
      })
      .run();
    await persistDesired(body, ids);
    await Promise.all(outgoing.map((o) => mqtt.publish(o)));
    log.info({ target, commandId: command.id, type: command.type, devices: ids.length }, 'command sent');
    const sent: SentCommand = {
      commandId: command.id,
      type: command.type,
      expiresAt: command.expiresAt,
      devices: ids.length,
    };
    if (command.type === 'play') sent.playId = command.playId;
    return sent;
  }

  return {
    send,

    async playNow(deviceId: string, input: { sha256: string; volume?: number | undefined }, actorId: number | null) {
      const cmd = await send({ kind: 'device', id: deviceId }, { type: 'play', ...input }, actorId);
      return { commandId: cmd.commandId, playId: cmd.playId as string, expiresAt: cmd.expiresAt };
    },

    async stop(deviceId: string, playId: string | undefined, actorId: number | null) {
      const body = playId ? ({ type: 'stop', playId } as const) : ({ type: 'stop' } as const);
      const cmd = await send({ kind: 'device', id: deviceId }, body, actorId);
      return { commandId: cmd.commandId, expiresAt: cmd.expiresAt };
    },

    /** Applies at once by command and persists as desired state, so a reboot keeps the new volume. */
    async setVolume(deviceId: string, volume: number, muted: boolean | undefined, actorId: number | null) {
      const body =
        muted === undefined ? { type: 'setVolume' as const, volume } : { type: 'setVolume' as const, volume, muted };
      const cmd = await send({ kind: 'device', id: deviceId }, body, actorId);
      return { commandId: cmd.commandId, expiresAt: cmd.expiresAt };
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

    forDevice: history.forDevice,
  };
}
export type CommandsService = ReturnType<typeof createCommandsService>;
