/** Trusted CAP senders: registration (the token is shown once), authentication, listing, revocation. */
import { createPublicKey } from 'node:crypto';
import { AppError, notFound } from '../../errors.js';
import { newToken, sha256Hex } from '../accounts/tokens.js';
import type { Scope, ScopeQueries } from '../units/scope.js';
import type { CapRepository, CapSenderRow } from './cap.repository.js';
import { checkIdToken } from './cap-fields.js';
import type { Problem } from './cap-xml.js';

export interface CapSenderView {
  id: number;
  sender: string;
  name: string;
  unitId: number;
  hasCertificate: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const senderView = (r: CapSenderRow): CapSenderView => ({
  id: r.id,
  sender: r.sender,
  name: r.name,
  unitId: r.unitId,
  hasCertificate: r.certificate !== null,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

export interface NewSender {
  sender: string;
  name: string;
  unitId: number;
  certificate?: string | null | undefined;
}

export function createCapSenders(deps: { repo: CapRepository; scopes: ScopeQueries; clock: () => number }) {
  const { repo } = deps;
  return {
    create(input: NewSender, createdBy: number | null): { sender: CapSenderView; token: string } {
      const problems: Problem[] = [];
      checkIdToken(input.sender, '/sender', problems);
      if (input.certificate) {
        try {
          createPublicKey(input.certificate);
        } catch {
          problems.push({ path: '/certificate', message: 'is not a PEM certificate or public key' });
        }
      }
      if (problems.length) throw new AppError('validation_failed', 'invalid CAP sender', problems);
      if (repo.liveSenderNamed(input.sender))
        throw new AppError('conflict', `CAP sender ${input.sender} is already registered; revoke it first`);
      const token = newToken();
      const row = repo.insertSender({
        sender: input.sender,
        name: input.name,
        unitId: input.unitId,
        tokenHash: sha256Hex(token),
        certificate: input.certificate || null,
        createdBy,
      });
      return { sender: senderView(row), token };
    },

    /** The live sender holding this token, if any. */
    authenticate(token: string): CapSenderRow | undefined {
      const row = repo.senderByTokenHash(sha256Hex(token));
      if (row) repo.touchSender(row.id, deps.clock());
      return row;
    },

    get(id: number): CapSenderRow {
      const row = repo.sender(id);
      if (!row) throw notFound('CAP sender');
      return row;
    },

    list(scope: Scope): CapSenderView[] {
      return repo.senders(scope.all ? null : deps.scopes.subtreeIds(scope.unitId)).map(senderView);
    },

    revoke(id: number): CapSenderView {
      this.get(id);
      repo.revokeSender(id, deps.clock());
      return senderView(this.get(id));
    },
  };
}
export type CapSenders = ReturnType<typeof createCapSenders>;
