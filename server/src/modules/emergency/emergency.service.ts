import { randomUUID } from 'node:crypto';
import {
  type EmergencyAudio,
  type EmergencyMessage,
  type EmergencyStartMessage,
  encodeForArea,
  encodeForDevice,
  type MediaRef,
  type Outgoing,
} from '@nguon/protocols';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import type { ServerMqtt } from '../../plugins/mqtt-client.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { EmergencyRepository, EmergencyRow } from './emergency.repository.js';
import type {
  EmergencyActor,
  EmergencySource,
  EmergencyStarted,
  EmergencyStarter,
  EmergencyStartInput,
} from './emergency.types.js';
import type { EmergencyReports } from './emergency-reports.js';
import type { EmergencyTargetResolver } from './emergency-targets.js';
import { liveMountUrl } from './live-url.js';

/** Volume when the start names none (issue 7: "switch to the emergency volume"). */
export const DEFAULT_EMERGENCY_VOLUME = 100;
/** Longest an emergency may stay valid. */
const MAX_VALID_MS = 24 * 3_600_000;

const InputSchema = z.object({
  title: z.string().trim().min(1).max(200),
  targets: z.object({
    unitIds: z.array(z.number().int().positive()).max(500),
    deviceIds: z.array(z.string().min(1).max(64)).max(10_000),
  }),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('media'), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    z.object({
      kind: z.literal('live'),
      mountId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
      /** `icecast`: receivers pull the mount from the Icecast server it is pushed to (scale-out). */
      via: z.enum(['server', 'icecast']).optional(),
    }),
    z.object({ kind: z.literal('stream'), url: z.url({ protocol: /^https?$/ }) }),
  ]),
  repeat: z.number().int().min(1).max(20),
  volume: z.number().int().min(0).max(100).optional(),
  expiresAt: z.number().int(),
  origin: z.enum(['operator', 'cap', 'national']),
  capAlertId: z.string().max(200).optional(),
});

export interface EmergencyServiceDeps {
  repo: EmergencyRepository;
  targets: EmergencyTargetResolver;
  reports: EmergencyReports;
  mqtt: ServerMqtt;
  scopes: ScopeQueries;
  audit: AuditService;
  mediaRef: (sha256: string) => MediaRef | undefined;
  /** Is this media part of an approved bulletin? Otherwise the start is audited as approved-on-send. */
  isApproved: (sha256: string) => boolean;
  publicUrl: () => string;
  /** Where receivers pull a live mount (the live module); throws for an unknown mount. */
  liveStreamUrl?: (mountId: string, via: 'server' | 'icecast') => string;
  clock: () => number;
  log: Logger;
}

export function createEmergencyService(deps: EmergencyServiceDeps) {
  const { repo, clock, log } = deps;
  const timers = new Map<string, NodeJS.Timeout>();

  function audio(source: EmergencySource): EmergencyAudio {
    if (source.kind === 'media') {
      const media = deps.mediaRef(source.sha256);
      if (!media) throw notFound(`media ${source.sha256}`);
      return { kind: 'file', media };
    }
    if (source.kind === 'live') {
      const via = source.via ?? 'server';
      // The live module knows its mounts: an unknown one, or Icecast asked of a mount not pushed there,
      // is refused before anything airs.
      const url = deps.liveStreamUrl?.(source.mountId, via) ?? liveMountUrl(deps.publicUrl(), source.mountId);
      // Icecast has no receiver credentials: its listeners pull without them.
      return { kind: 'stream', url, auth: via === 'icecast' ? 'none' : 'device' };
    }
    return { kind: 'stream', url: source.url, auth: 'none' };
  }

  function outgoing(row: Pick<EmergencyRow, 'areas' | 'deviceTopics'>, msg: EmergencyMessage): Outgoing[] {
    return [
      ...row.areas.map((path) => encodeForArea('emergency', path, msg)),
      ...row.deviceTopics.map((id) => encodeForDevice('deviceEmergency', id, msg)),
    ];
  }

  const publishAll = (list: Outgoing[]) => Promise.all(list.map((o) => deps.mqtt.publish(o)));

  function auditSystem(action: string, actor: EmergencyActor, id: string, details: Record<string, unknown>) {
    // Operators' calls are audited by the HTTP audit hook; CAP and other in-process starters here.
    if (actor.userId !== null) return;
    deps.audit.record({
      at: clock(),
      actorName: actor.label,
      actorUnitId: actor.unitId,
      action,
      targetType: 'emergency',
      targetId: id,
      outcome: 'ok',
      details,
    });
  }

  function arm(id: string, expiresAt: number): void {
    clearTimeout(timers.get(id));
    const wait = Math.min(2_000_000_000, Math.max(0, expiresAt - clock()));
    const t = setTimeout(() => {
      timers.delete(id);
      if (clock() < expiresAt) return arm(id, expiresAt);
      void end(id, 'expired', null, 'expired').catch((err) => log.error({ err, id }, 'emergency expiry failed'));
    }, wait);
    t.unref();
    timers.set(id, t);
  }

  async function end(id: string, state: 'stopped' | 'expired', by: string | null, reason: string): Promise<boolean> {
    const row = repo.get(id);
    if (!row || !repo.end(id, state, clock(), by, reason)) return false;
    clearTimeout(timers.get(id));
    timers.delete(id);
    // Replaces the retained start record: a receiver that connects later does not join.
    const stop: EmergencyMessage = {
      v: 1,
      id: randomUUID(),
      ts: clock(),
      type: 'emergencyStop',
      emergencyId: id,
      reason,
    };
    await publishAll(outgoing(row, stop));
    deps.reports.notify(id);
    log.warn({ emergencyId: id, state, by, reason }, 'emergency ended');
    return true;
  }

  const starter: EmergencyStarter = {
    async start(raw: EmergencyStartInput, actor: EmergencyActor): Promise<EmergencyStarted> {
      const input = InputSchema.parse(raw);
      const now = clock();
      if (input.expiresAt <= now) throw new AppError('validation_failed', 'expiresAt is in the past');
      if (input.expiresAt > now + MAX_VALID_MS) throw new AppError('validation_failed', 'expiresAt is over 24 h away');
      // Everything is checked before anything is published: a refused start airs nothing.
      const resolved = deps.targets.check(input.targets, actor);
      const source = audio(input.source);
      const approvedOnSend = input.source.kind !== 'media' || !deps.isApproved(input.source.sha256);
      const id = randomUUID();
      const volume = input.volume ?? DEFAULT_EMERGENCY_VOLUME;
      const msg: EmergencyStartMessage = {
        ...{ v: 1, id: randomUUID(), ts: now, type: 'emergency', emergencyId: id, title: input.title },
        ...{ source, repeat: input.repeat, volume, startedAt: now, expiresAt: input.expiresAt },
      };
      const row = {
        ...{ id, title: input.title, origin: input.origin, capAlertId: input.capAlertId ?? null },
        ...{ unitId: actor.unitId, createdBy: actor.userId, actorLabel: actor.label, targets: input.targets },
        ...{ targetUnitIds: resolved.targetUnitIds, source: input.source, repeat: input.repeat, volume },
        ...{ areas: resolved.areas, deviceTopics: resolved.deviceTopics, approvedOnSend, state: 'active' },
        ...{ startedAt: now, expiresAt: input.expiresAt },
      };
      repo.insert(row);
      try {
        await publishAll(outgoing(row, msg));
      } catch (err) {
        log.error({ err, emergencyId: id }, 'emergency publish failed');
        await end(id, 'stopped', 'system', 'publish failed').catch(() => undefined);
        throw new AppError('unavailable', 'the broker did not take the emergency; nothing is on air');
      }
      const receivers = deps.targets.receivers(input.targets);
      repo.addReceivers(id, receivers);
      arm(id, input.expiresAt);
      deps.reports.notify(id);
      const details = { title: input.title, source: input.source, targeted: receivers.length, approvedOnSend };
      auditSystem('emergency.start', actor, id, { ...details, origin: input.origin, capAlertId: input.capAlertId });
      log.warn({ emergencyId: id, ...details, areas: resolved.areas.length }, 'emergency started');
      return { id, targeted: receivers.length };
    },

    async stop(id: string, actor: EmergencyActor, reason: string): Promise<void> {
      const row = repo.get(id);
      if (!row) throw notFound(`emergency ${id}`);
      const outside = row.targetUnitIds.filter((u) => !deps.scopes.contains(actor.unitId, u));
      if (outside.length > 0) throw new AppError('forbidden', 'this emergency reaches beyond your unit');
      if (await end(id, 'stopped', actor.label, reason.slice(0, 200)))
        auditSystem('emergency.stop', actor, id, { reason });
    },
  };

  return {
    ...starter,
    /** Arms expiry for emergencies still active after a restart; ends the ones that expired meanwhile. */
    async resume(): Promise<void> {
      for (const row of repo.active()) arm(row.id, row.expiresAt);
    },
    get(id: string): EmergencyRow {
      const row = repo.get(id);
      if (!row) throw notFound(`emergency ${id}`);
      return row;
    },
    /** Emergencies that reach into the caller's scope or were started from within it. */
    list(scope: Scope): EmergencyRow[] {
      return repo
        .list()
        .filter(
          (r) => deps.scopes.inScope(scope, r.unitId) || r.targetUnitIds.some((u) => deps.scopes.inScope(scope, u)),
        );
    },
    /** Whether every target of it lies in the scope (to see its reach in detail, or to stop it). */
    covers(scope: Scope, row: EmergencyRow): boolean {
      return row.targetUnitIds.every((u) => deps.scopes.inScope(scope, u));
    },
    reach: (row: EmergencyRow) => repo.reach(row),
    close(): void {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
export type EmergencyService = ReturnType<typeof createEmergencyService>;
