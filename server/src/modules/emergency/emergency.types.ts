/**
 * The contract between the emergency module and the parts that start emergencies (the operator's API,
 * CAP ingest) and the live module that serves streams. Agreed up front so they can be built in parallel;
 * change it only together.
 */

/** What an emergency airs. */
export type EmergencySource =
  /** A processed media file (media_files.sha256), e.g. a library item, a CAP audio resource or TTS. */
  | { kind: 'media'; sha256: string }
  /** A live mount of this server (modules/live), e.g. the operator's microphone or a relayed station. */
  | { kind: 'live'; mountId: string; via?: 'server' | 'icecast' | undefined }
  /** An external stream URL the receivers pull directly (http/https, audio/mpeg). */
  | { kind: 'stream'; url: string };

export interface EmergencyTargets {
  /** Unit subtrees (every receiver at or below each unit). */
  unitIds: number[];
  /** Single receivers, by device id. */
  deviceIds: string[];
}

export interface EmergencyStartInput {
  /** Shown to operators and in reports (e.g. "Bão số 3 — sơ tán khẩn cấp"). */
  title: string;
  targets: EmergencyTargets;
  source: EmergencySource;
  /** How many times a file is played (1–20); ignored for live sources. */
  repeat: number;
  /** Emergency volume 0–100; absent = the server's configured emergency volume. */
  volume?: number;
  /** Epoch ms (server time) after which receivers stop and late joiners do not join. */
  expiresAt: number;
  /** national: an emergency-level (MucDoUuTien 1) bulletin from the national link. */
  origin: 'operator' | 'cap' | 'national';
  /** For origin 'cap': the cap_alerts row that started it. */
  capAlertId?: string;
}

/** Who acts: a logged-in user, or the system on behalf of an authenticated CAP sender. */
export interface EmergencyActor {
  userId: number | null;
  /** The actor's unit; targets must lie within its subtree. */
  unitId: number;
  /** For the audit log: a username or "cap:<sender>". */
  label: string;
}

export interface EmergencyStarted {
  id: string;
  /** Receivers targeted when it started. */
  targeted: number;
}

export interface EmergencyStarter {
  start(input: EmergencyStartInput, actor: EmergencyActor): Promise<EmergencyStarted>;
  /** Stops it on every receiver; idempotent for an already stopped or expired emergency. */
  stop(id: string, actor: EmergencyActor, reason: string): Promise<void>;
}
