import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/**
 * Agencies trusted to send CAP alerts (issue 7 item 5): each alerts only within its unit's subtree and
 * authenticates with an API token (only its sha256 is kept) and, when a certificate is set, an XML
 * signature. One live row per CAP sender id; a revoked sender may be registered again.
 */
export const capSenders = sqliteTable(
  'cap_senders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The CAP <sender> this token may speak for, e.g. "canhbao@nchmf.gov.vn". */
    sender: text('sender').notNull(),
    name: text('name').notNull(),
    unitId: integer('unit_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** PEM certificate or public key; when set, every alert must carry a valid enveloped XML Signature. */
    certificate: text('certificate'),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('cap_senders_token_uq').on(t.tokenHash),
    uniqueIndex('cap_senders_live_uq').on(t.sender).where(sql`revoked_at IS NULL`),
    index('cap_senders_unit_idx').on(t.unitId),
  ],
);

/**
 * Every CAP message an authenticated sender posted, with what became of it. (sender, identifier, sent)
 * is unique among messages not refused, so a repeat finds the first answer and a refused one may be
 * sent again once fixed.
 */
export const capAlerts = sqliteTable(
  'cap_alerts',
  {
    id: text('id').primaryKey(),
    senderId: integer('sender_id').notNull(),
    /** The sender's unit: whose operators see the alert. */
    unitId: integer('unit_id').notNull(),
    sender: text('sender'),
    identifier: text('identifier'),
    sent: text('sent'),
    sentAt: integer('sent_at'),
    status: text('status'),
    msgType: text('msg_type'),
    scope: text('scope'),
    language: text('language'),
    event: text('event'),
    headline: text('headline'),
    urgency: text('urgency'),
    severity: text('severity'),
    certainty: text('certainty'),
    expiresAt: integer('expires_at'),
    references: text('references', { mode: 'json' }).$type<string[]>(),
    /** processing | aired | not_actual | no_receivers | cancelled | stored | refused (cap-rules.ts). */
    outcome: text('outcome').notNull(),
    note: text('note').notNull().default(''),
    error: text('error', { mode: 'json' }).$type<{ code: string; message: string; details?: unknown }>(),
    targets: text('targets', { mode: 'json' }).$type<{ unitIds: number[]; deviceIds: string[] }>(),
    audio: text('audio', { mode: 'json' }).$type<{ origin: 'resource' | 'tts'; sha256: string }>(),
    emergencyId: text('emergency_id'),
    /** Set when a later Update or Cancel stopped this alert's emergency. */
    stoppedBy: text('stopped_by'),
    rawXml: text('raw_xml').notNull(),
    receivedAt: integer('received_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('cap_alerts_key_uq')
      .on(t.sender, t.identifier, t.sentAt)
      .where(sql`outcome <> 'refused' AND sent_at IS NOT NULL`),
    index('cap_alerts_unit_idx').on(t.unitId, t.receivedAt),
  ],
);
