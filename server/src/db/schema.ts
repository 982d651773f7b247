import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** The administrative hierarchy is data: national → province → (district) → commune, any depth. */
export const units = sqliteTable(
  'units',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level').notNull(),
    parentId: integer('parent_id'),
    /** Storage quota of the unit's media library; null: the configured default (NGUON_UNIT_QUOTA_MB). */
    quotaMb: integer('quota_mb'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('units_code_uq').on(t.code), index('units_parent_idx').on(t.parentId)],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    unitId: integer('unit_id').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** Consecutive failed logins; reaching the limit locks the account until lockedUntil. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    passwordChangedAt: integer('password_changed_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

/** Login sessions and API tokens; only the sha256 of the token is stored. */
export const authTokens = sqliteTable(
  'auth_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id').notNull(),
    /** 'session' (console login, cookie) or 'api' (a named, revocable token for an integration). */
    kind: text('kind').notNull(),
    name: text('name'),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('auth_tokens_hash_uq').on(t.tokenHash), index('auth_tokens_user_idx').on(t.userId)],
);

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    unitId: integer('unit_id').notNull(),
    name: text('name').notNull(),
    hardwareId: text('hardware_id'),
    lat: real('lat'),
    lon: real('lon'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** sha256 of a 256-bit random secret: a KDF adds nothing for a random secret and would cost CPU per connect. */
    secretHash: text('secret_hash').notNull(),
    volume: integer('volume').notNull().default(80),
    muted: integer('muted', { mode: 'boolean' }).notNull().default(false),
    desiredVersion: integer('desired_version').notNull().default(0),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('devices_hardware_uq').on(t.hardwareId), index('devices_unit_idx').on(t.unitId)],
);

/** Latest known state of each receiver, from presence and heartbeats. */
export const deviceStatus = sqliteTable('device_status', {
  deviceId: text('device_id').primaryKey(),
  online: integer('online', { mode: 'boolean' }).notNull(),
  session: text('session'),
  changedAt: integer('changed_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
  agentVersion: text('agent_version'),
  health: text('health', { mode: 'json' }),
});

/** Content-addressed broadcast audio: the sha256 of the transcoded file is its address. */
export const mediaFiles = sqliteTable(
  'media_files',
  {
    sha256: text('sha256').primaryKey(),
    sourceSha256: text('source_sha256').notNull(),
    originalName: text('original_name').notNull(),
    sourceFormat: text('source_format').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    durationMs: integer('duration_ms').notNull(),
    sourceLoudnessLufs: real('source_loudness_lufs'),
    loudnessLufs: real('loudness_lufs'),
    truePeakDb: real('true_peak_db'),
    profile: text('profile').notNull(),
    unitId: integer('unit_id'),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('media_source_idx').on(t.sourceSha256)],
);

/**
 * A unit's media library: each unit's own entry (title, who, when) for a content file, which many
 * units' entries may share. Within a unit one live entry per content file (de-duplication).
 */
export const libraryItems = sqliteTable(
  'library_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    sha256: text('sha256').notNull(),
    title: text('title').notNull(),
    /** 'upload' | 'tts' | 'recording'. */
    kind: text('kind').notNull(),
    originalName: text('original_name'),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('library_items_unit_sha_live_uq').on(t.unitId, t.sha256).where(sql`deleted_at IS NULL`),
    index('library_items_sha_idx').on(t.sha256),
    index('library_items_unit_idx').on(t.unitId, t.createdAt),
  ],
);

/**
 * Long-running work (transcode, TTS) that survives a restart: a job left `running` by a crash is
 * queued again at start if its input still exists, and failed otherwise.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 'transcode' | 'tts'. */
    kind: text('kind').notNull(),
    /** 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'. */
    state: text('state').notNull(),
    progress: real('progress').notNull().default(0),
    input: text('input', { mode: 'json' }).notNull(),
    result: text('result', { mode: 'json' }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    unitId: integer('unit_id').notNull(),
    createdBy: integer('created_by'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    updatedAt: integer('updated_at'),
  },
  (t) => [index('jobs_state_idx').on(t.state, t.id), index('jobs_unit_idx').on(t.unitId, t.id)],
);

export const commands = sqliteTable(
  'commands',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    targetKind: text('target_kind').notNull(),
    target: text('target').notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('commands_target_idx').on(t.targetKind, t.target)],
);

export const commandReplies = sqliteTable(
  'command_replies',
  {
    commandId: text('command_id').notNull(),
    deviceId: text('device_id').notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    result: text('result', { mode: 'json' }),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.commandId, t.deviceId] }), index('command_replies_device_idx').on(t.deviceId)],
);

/** Append-only proof of play. The agent's log id is the key, so a resent log is stored once. */
export const playbackLogs = sqliteTable(
  'playback_logs',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id').notNull(),
    playId: text('play_id').notNull(),
    commandId: text('command_id'),
    sha256: text('sha256').notNull(),
    event: text('event').notNull(),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    playedMs: integer('played_ms'),
    reason: text('reason'),
    deviceTs: integer('device_ts').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('playback_device_idx').on(t.deviceId, t.receivedAt), index('playback_play_idx').on(t.playId)],
);

/** Zones: named sets of receivers within a unit, for targeting. */
export const deviceGroups = sqliteTable(
  'device_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('device_groups_unit_name_uq').on(t.unitId, t.name)],
);

export const deviceGroupMembers = sqliteTable(
  'device_group_members',
  {
    groupId: integer('group_id').notNull(),
    deviceId: text('device_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.deviceId] }), index('device_group_members_device_idx').on(t.deviceId)],
);

/**
 * Who did what, to what, from where, with what outcome. Append-only: triggers in the migrations
 * refuse UPDATE and DELETE, and no code path issues them.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorUserId: integer('actor_user_id'),
    actorName: text('actor_name'),
    actorRole: text('actor_role'),
    actorUnitId: integer('actor_unit_id'),
    actorDeviceId: text('actor_device_id'),
    action: text('action').notNull(),
    method: text('method'),
    route: text('route'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    targetUnitId: integer('target_unit_id'),
    outcome: text('outcome').notNull(),
    statusCode: integer('status_code'),
    errorCode: text('error_code'),
    sourceIp: text('source_ip'),
    requestId: text('request_id'),
    details: text('details', { mode: 'json' }),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_actor_idx').on(t.actorUserId, t.at),
    index('audit_action_idx').on(t.action, t.at),
  ],
);

/** A bulletin (bản tin) owned by a unit; its content lives in numbered versions. */
export const bulletins = sqliteTable(
  'bulletins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    currentVersion: integer('current_version').notNull().default(1),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
  },
  (t) => [index('bulletins_unit_idx').on(t.unitId)],
);

/**
 * One version of a bulletin and where it stands in the approval workflow
 * (draft → submitted → approved | rejected → archived). An approved version never changes again.
 */
export const bulletinVersions = sqliteTable(
  'bulletin_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bulletinId: integer('bulletin_id').notNull(),
    version: integer('version').notNull(),
    state: text('state').notNull(),
    /** LoaiBanTin: 1 text, 2 image, 3 audio, 4 video, 5 live, 6 FM relay. */
    type: integer('type').notNull(),
    /** LoaiLinhVuc: 1 general … 6 good examples. */
    field: integer('field').notNull(),
    /** MucDoUuTien: 1 emergency, 2 priority, 3 normal. */
    priority: integer('priority').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    author: text('author').notNull().default(''),
    producedAt: integer('produced_at').notNull(),
    durationMs: integer('duration_ms').notNull().default(0),
    source: text('source').notNull().default(''),
    items: text('items', { mode: 'json' })
      .$type<Array<{ sha256: string; title: string; durationMs: number }>>()
      .notNull(),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    submittedBy: integer('submitted_by'),
    submittedAt: integer('submitted_at'),
    decidedBy: integer('decided_by'),
    decidedAt: integer('decided_at'),
    rejectReason: text('reject_reason'),
    approvedOnSend: integer('approved_on_send', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('bulletin_versions_uq').on(t.bulletinId, t.version),
    index('bulletin_versions_state_idx').on(t.state),
  ],
);

/** A schedule (lịch phát) of an approved bulletin for a set of targets; rules and times in UTC. */
export const schedules = sqliteTable(
  'schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    bulletinId: integer('bulletin_id').notNull(),
    title: text('title').notNull(),
    recurrence: text('recurrence', { mode: 'json' }).notNull(),
    startDate: text('start_date'),
    endDate: text('end_date'),
    repeat: text('repeat', { mode: 'json' }),
    targets: text('targets', { mode: 'json' }).notNull(),
    beforeIncomingPriority: integer('before_incoming_priority', { mode: 'boolean' }).notNull().default(false),
    /** A commune's order among its own priority items (1 first); null = by start time. */
    ownOrder: integer('own_order'),
    /** active | paused | cancelled */
    state: text('state').notNull().default('active'),
    /** Grows with every edit; part of each occurrence's key so an edit never collides with what already played. */
    revision: integer('revision').notNull().default(1),
    createdBy: integer('created_by'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at'),
  },
  (t) => [index('schedules_unit_idx').on(t.unitId), index('schedules_state_idx').on(t.state)],
);

/**
 * What each receiver was told to play and what became of it: the basis of proof of play.
 * One row per (device, occurrence); status moves from planned to played, missed, skipped, failed ….
 */
export const playlistItems = sqliteTable(
  'playlist_items',
  {
    deviceId: text('device_id').notNull(),
    occurrenceKey: text('occurrence_key').notNull(),
    scheduleId: integer('schedule_id').notNull(),
    bulletinId: integer('bulletin_id').notNull(),
    bulletinVersion: integer('bulletin_version').notNull(),
    scheduledAt: integer('scheduled_at').notNull(),
    plannedStart: integer('planned_start').notNull(),
    durationMs: integer('duration_ms').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.occurrenceKey] }),
    index('playlist_items_start_idx').on(t.plannedStart),
    index('playlist_items_schedule_idx').on(t.scheduleId),
  ],
);
export * from './schema-alert-thresholds.js';
export * from './schema-cap.js';
export * from './schema-device-events.js';
export * from './schema-emergency.js';
export * from './schema-live.js';
export * from './schema-monitoring.js';
export * from './schema-uplink.js';
