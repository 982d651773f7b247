/**
 * CAP ingest (issue 7 item 5): an authenticated sender's message is parsed, validated, checked against
 * its signature, deduplicated, stored, and turned into an emergency (or a stop) by the rules in
 * cap-rules.ts. Whatever is refused is stored as refused with its error, and nothing airs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, notFound } from '../../errors.js';
import type { EmergencyActor, EmergencyStarter } from '../emergency/emergency.types.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { CapConfig } from './cap.config.js';
import type { CapAlertRow, CapRepository, CapSenderRow, NewCapAlert } from './cap.repository.js';
import { type CapAudioDeps, produceAudio } from './cap-audio.js';
import { type CapInfo, type CapMessage, readCapMessage } from './cap-message.js';
import { chooseInfo, expiryOf, isExpired, planFor, titleOf } from './cap-rules.js';
import { verifyCapSignature } from './cap-signature.js';
import { resolveTargets, type TargetDeps } from './cap-targets.js';
import { CapXmlError } from './cap-xml.js';

export interface CapServiceDeps extends TargetDeps {
  repo: CapRepository;
  scopes: ScopeQueries;
  emergencies: EmergencyStarter;
  audio: CapAudioDeps;
  config: CapConfig;
  clock: () => number;
  log: Logger;
}

export type CapAlertView = Omit<CapAlertRow, 'rawXml'>;
export const alertView = ({ rawXml: _raw, ...rest }: CapAlertRow): CapAlertView => rest;

const localTime = (ms: number) => new Date(ms).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

function parsedFields(msg: CapMessage, info: CapInfo | undefined): Partial<NewCapAlert> {
  return {
    sender: msg.sender,
    identifier: msg.identifier,
    sent: msg.sent,
    sentAt: msg.sentAt,
    status: msg.status,
    msgType: msg.msgType,
    scope: msg.scope,
    language: info?.language ?? null,
    event: info?.event ?? null,
    headline: info?.headline ?? null,
    urgency: info?.urgency ?? null,
    severity: info?.severity ?? null,
    certainty: info?.certainty ?? null,
    expiresAt: info?.expires ?? null,
    references: msg.references.map((r) => `${r.sender},${r.identifier},${r.sent}`),
  };
}

export function createCapService(deps: CapServiceDeps) {
  const { repo, clock } = deps;
  const actorOf = (s: CapSenderRow): EmergencyActor => ({ userId: null, unitId: s.unitId, label: `cap:${s.sender}` });

  function refuse(base: NewCapAlert, err: unknown): never {
    const e = err instanceof AppError ? err : new AppError('internal', 'the alert could not be processed');
    const error = { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
    repo.insertAlert({ ...base, id: randomUUID(), outcome: 'refused', note: `Bị từ chối: ${e.message}`, error });
    throw err;
  }

  /** Stops the emergencies of the alerts a message references (only the same sender's own alerts). */
  async function stopReferenced(msg: CapMessage, byId: string, actor: EmergencyActor): Promise<string[]> {
    const stopped: string[] = [];
    for (const ref of msg.references) {
      if (ref.sender !== msg.sender) continue;
      const earlier = repo.alertByKey(ref.sender, ref.identifier, ref.sentAt);
      if (!earlier?.emergencyId || earlier.stoppedBy) continue;
      await deps.emergencies.stop(earlier.emergencyId, actor, `CAP ${msg.msgType} ${msg.identifier}`);
      repo.updateAlert(earlier.id, { stoppedBy: byId });
      stopped.push(earlier.id);
    }
    return stopped;
  }

  async function air(msg: CapMessage, info: CapInfo, row: CapAlertRow, sender: CapSenderRow, replaces: boolean) {
    const actor = actorOf(sender);
    const now = clock();
    const targets = resolveTargets(deps, info.areas, sender.unitId);
    if (targets.outsideCodes.length)
      throw new AppError(
        'forbidden',
        `the alert names units outside this sender's area: ${targets.outsideCodes.join(', ')}`,
      );
    const unknown = targets.unknownCodes.length ? ` Mã không có: ${targets.unknownCodes.join(', ')}.` : '';
    const stopPart = (n: number) => (n ? ` Đã dừng ${n} cảnh báo được cập nhật.` : '');
    if (targets.receivers === 0) {
      const stopped = replaces ? await stopReferenced(msg, row.id, actor) : [];
      const note = `Đã lưu, không phát: vùng cảnh báo không có thiết bị nào.${unknown}${stopPart(stopped.length)}`;
      return repo.updateAlert(row.id, { outcome: 'no_receivers', note, finishedAt: clock() });
    }
    const audio = await produceAudio(deps.audio, info, sender.unitId, `cap-${msg.identifier}`);
    const stopped = replaces ? await stopReferenced(msg, row.id, actor) : [];
    const expiresAt = expiryOf(info, now, deps.config.defaultDurationMs);
    const { unitIds, deviceIds } = targets;
    const started = await deps.emergencies.start(
      {
        title: titleOf(msg, info),
        targets: { unitIds, deviceIds },
        source: { kind: 'media', sha256: audio.sha256 },
        repeat: deps.config.repeat,
        expiresAt,
        origin: 'cap',
        capAlertId: row.id,
      },
      actor,
    );
    const note = `Đang phát khẩn cấp tới ${started.targeted} thiết bị đến ${localTime(expiresAt)}.${unknown}${stopPart(stopped.length)}`;
    return repo.updateAlert(row.id, {
      outcome: 'aired',
      note,
      targets: { unitIds, deviceIds },
      audio,
      emergencyId: started.id,
      expiresAt,
      finishedAt: clock(),
    });
  }

  async function act(msg: CapMessage, info: CapInfo | undefined, row: CapAlertRow, sender: CapSenderRow) {
    const plan = planFor(msg);
    if (plan.kind === 'store')
      return repo.updateAlert(row.id, { outcome: plan.outcome, note: plan.note, finishedAt: clock() });
    if (plan.kind === 'cancel') {
      const stopped = await stopReferenced(msg, row.id, actorOf(sender));
      const note = stopped.length
        ? `Đã dừng ${stopped.length} cảnh báo theo yêu cầu hủy.`
        : 'Đã lưu: không có cảnh báo đang phát nào khớp với tham chiếu.';
      return repo.updateAlert(row.id, { outcome: stopped.length ? 'cancelled' : 'stored', note, finishedAt: clock() });
    }
    if (!info) throw new AppError('validation_failed', 'the alert has no info block');
    return air(msg, info, row, sender, plan.stopsReferences);
  }

  return {
    /** Handles one posted CAP message from an authenticated sender. */
    async receive(rawXml: string, sender: CapSenderRow): Promise<{ alert: CapAlertRow; duplicate: boolean }> {
      const base: NewCapAlert = {
        id: '',
        senderId: sender.id,
        unitId: sender.unitId,
        rawXml,
        receivedAt: clock(),
        outcome: 'refused',
      };
      let msg: CapMessage;
      try {
        msg = readCapMessage(rawXml, deps.config.maxXmlBytes);
      } catch (err) {
        if (!(err instanceof CapXmlError)) throw err;
        refuse(base, new AppError('validation_failed', err.message, err.problems));
      }
      const info = chooseInfo(msg.infos);
      const fields = { ...base, ...parsedFields(msg, info) };
      if (msg.sender !== sender.sender)
        refuse(fields, new AppError('forbidden', `this token is for CAP sender ${sender.sender}, not ${msg.sender}`));
      if (sender.certificate) {
        const check = verifyCapSignature(rawXml, sender.certificate);
        if (!check.ok) refuse(fields, new AppError('unauthorized', check.message));
      }
      // A repeat gets the first answer, even once the alert has expired since.
      const earlier = repo.alertByKey(msg.sender, msg.identifier, msg.sentAt);
      if (earlier) return { alert: earlier, duplicate: true };
      if ((msg.msgType === 'Alert' || msg.msgType === 'Update') && isExpired(info, clock()))
        refuse(
          fields,
          new AppError('unprocessable', `the alert expired at ${new Date(info?.expires ?? 0).toISOString()}`, {
            reason: 'expired',
          }),
        );
      const claimed = repo.claimAlert({ ...fields, id: randomUUID(), outcome: 'processing' });
      if (claimed.duplicate) return claimed;
      try {
        const alert = await act(msg, info, claimed.alert, sender);
        deps.log.info(
          { alert: alert.id, sender: msg.sender, identifier: msg.identifier, outcome: alert.outcome },
          'CAP alert handled',
        );
        return { alert, duplicate: false };
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('internal', 'the alert could not be processed');
        if (!(err instanceof AppError)) deps.log.error({ err, alert: claimed.alert.id }, 'CAP alert failed');
        const error = { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) };
        repo.updateAlert(claimed.alert.id, { outcome: 'refused', note: `Bị từ chối: ${e.message}`, error });
        throw err;
      }
    },

    list(scope: Scope, limit: number, offset: number): CapAlertView[] {
      return repo.alerts(scope.all ? null : deps.scopes.subtreeIds(scope.unitId), limit, offset).map(alertView);
    },

    get(id: string): CapAlertRow {
      const row = repo.alert(id);
      if (!row) throw notFound('CAP alert');
      return row;
    },
  };
}
export type CapService = ReturnType<typeof createCapService>;
