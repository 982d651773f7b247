import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.js';
import { devices } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import { sameHash, sha256Hex } from '../accounts/tokens.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import type { ReceiverChanges } from './receiver-changes.js';

export interface Device {
  id: string;
  unitId: number;
  name: string;
  hardwareId: string | null;
  lat: number | null;
  lon: number | null;
  tags: string[];
  volume: number;
  muted: boolean;
  desiredVersion: number;
  revokedAt: number | null;
  createdAt: number;
}

export interface RegisterDeviceInput {
  unitId: number;
  name: string;
  hardwareId?: string | null;
  lat?: number | null;
  lon?: number | null;
  tags?: string[];
}

/** Fields an operator may change; `null` clears an optional one. */
export interface DevicePatch {
  unitId?: number;
  name?: string;
  hardwareId?: string | null;
  lat?: number | null;
  lon?: number | null;
  tags?: string[];
}

function newDeviceId(): string {
  // Short, topic-safe, unguessable enough to not be enumerable.
  return `r${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

function strip(row: typeof devices.$inferSelect): Device {
  const { secretHash: _s, ...rest } = row;
  return rest;
}

export function createDevicesService(deps: {
  db: Db;
  units: UnitsService;
  scopes: ScopeQueries;
  /** Told of every registration, move and revocation (programmes follow at once, issue 6). */
  changes?: Pick<ReceiverChanges, 'changed'>;
}) {
  const { db, units, scopes } = deps;
  // Prepared once: read at every receiver login, subscribe, media and stream request.
  const byId = db
    .select()
    .from(devices)
    .where(eq(devices.id, sql.placeholder('id')))
    .prepare();

  return {
    /** Registers a receiver; the secret is returned once and only its hash is kept. */
    register(input: RegisterDeviceInput): { device: Device; secret: string } {
      if (!units.get(input.unitId)) throw new AppError('not_found', `unit ${input.unitId} not found`);
      if (input.hardwareId && db.select().from(devices).where(eq(devices.hardwareId, input.hardwareId)).get())
        throw new AppError('conflict', `a device with hardware id ${input.hardwareId} is already registered`);
      const secret = randomBytes(32).toString('base64url');
      const row = db
        .insert(devices)
        .values({
          id: newDeviceId(),
          unitId: input.unitId,
          name: input.name,
          hardwareId: input.hardwareId ?? null,
          lat: input.lat ?? null,
          lon: input.lon ?? null,
          tags: input.tags ?? [],
          secretHash: sha256Hex(secret),
        })
        .returning()
        .get();
      deps.changes?.changed([row.id]);
      return { device: strip(row), secret };
    },

    get(id: string): Device {
      const row = byId.get({ id });
      if (!row) throw notFound(`device ${id}`);
      return strip(row);
    },

    byHardwareId(hardwareId: string): Device | undefined {
      const row = db.select().from(devices).where(eq(devices.hardwareId, hardwareId)).get();
      return row ? strip(row) : undefined;
    },

    /** Issues a new secret (shown once); the old one stops working for new connections at once. */
    rotateSecret(id: string): string {
      this.get(id);
      const secret = randomBytes(32).toString('base64url');
      db.update(devices)
        .set({ secretHash: sha256Hex(secret) })
        .where(eq(devices.id, id))
        .run();
      return secret;
    },

    /**
     * Applies an operator's edit. A move to another unit bumps the desired-state version, because the
     * agent applies a desired state only when its version is newer (state-store.ts) and the new area
     * topics travel in it. Check and write share one transaction, so the unique check cannot go stale.
     */
    update(id: string, patch: DevicePatch): { device: Device; moved: boolean } {
      const result = db.transaction((tx) => {
        const current = this.get(id);
        if (patch.unitId !== undefined && !units.get(patch.unitId)) throw notFound(`unit ${patch.unitId}`);
        const holder = patch.hardwareId ? this.byHardwareId(patch.hardwareId) : undefined;
        if (holder && holder.id !== id)
          throw new AppError('conflict', `a device with hardware id ${patch.hardwareId} is already registered`);
        const moved = patch.unitId !== undefined && patch.unitId !== current.unitId;
        const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as DevicePatch;
        if (Object.keys(set).length === 0) return { device: current, moved: false };
        const row = tx
          .update(devices)
          .set({ ...set, ...(moved ? { desiredVersion: current.desiredVersion + 1 } : {}) })
          .where(eq(devices.id, id))
          .returning()
          .get();
        if (!row) throw notFound(`device ${id}`);
        return { device: strip(row), moved };
      });
      if (result.moved) deps.changes?.changed([id]);
      return result;
    },

    /** Marks a receiver revoked; the row stays so its history (logs, audit) still resolves. */
    revoke(id: string, at: number): Device {
      const device = db.transaction((tx) => {
        const current = this.get(id);
        if (current.revokedAt !== null) throw new AppError('conflict', `device ${id} is already revoked`);
        const row = tx.update(devices).set({ revokedAt: at }).where(eq(devices.id, id)).returning().get();
        if (!row) throw notFound(`device ${id}`);
        return strip(row);
      });
      deps.changes?.changed([id]);
      return device;
    },

    list(scope?: Scope): Device[] {
      const q = db.select().from(devices);
      const rows =
        !scope || scope.all ? q.all() : q.where(inArray(devices.unitId, scopes.subtreeIds(scope.unitId))).all();
      return rows.map(strip);
    },

    /** Checks a device's credentials. Returns its area path when valid and not revoked. */
    verify(id: string, secret: string): { device: Device; areaPath: string[] } | null {
      const row = byId.get({ id });
      if (!row || row.revokedAt !== null) return null;
      if (!sameHash(sha256Hex(secret), row.secretHash)) return null;
      return { device: strip(row), areaPath: units.path(row.unitId) };
    },

    areaPath(id: string): string[] {
      return units.path(this.get(id).unitId);
    },

    /** Bumps the desired-state version (volume, mute) and returns the new row. */
    setDesired(id: string, patch: { volume?: number; muted?: boolean }): Device {
      const current = this.get(id);
      const row = db
        .update(devices)
        .set({ ...patch, desiredVersion: current.desiredVersion + 1 })
        .where(eq(devices.id, id))
        .returning()
        .get();
      if (!row) throw notFound(`device ${id}`);
      return strip(row);
    },
  };
}
export type DevicesService = ReturnType<typeof createDevicesService>;
