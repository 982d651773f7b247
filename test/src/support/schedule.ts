import { makeTone } from './audio.js';
import type { TestServer } from './server.js';
import { uploadFile } from './upload.js';

export interface Bulletin {
  bulletinId: number;
  sha256: string;
  durationMs: number;
}

export interface ReportItem {
  occurrenceKey: string;
  status: string;
  plannedStart: number;
  durationMs: number;
  startedAt: number | null;
  endedAt: number | null;
  reason: string | null;
}

/** Throws with the body when a call did not answer `status`: a setup step that fails says why. */
function expectStatus<T>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A tone of `seconds` uploaded (real ffmpeg transcode), made a bulletin and approved, as the admin. */
export async function approvedBulletin(server: TestServer, seconds: number, unitCode = '19753'): Promise<Bulletin> {
  const up = await uploadFile(server, await makeTone({ seconds, format: 'wav' }), `lich-${seconds}s.wav`);
  const media = expectStatus(up, 201, 'upload') as { sha256: string; durationMs: number };
  const created = await server.api<{ bulletin: { id: number } }>('POST', '/api/v1/bulletins', {
    title: `Bản tin ${seconds} giây`,
    unitCode,
    items: [{ sha256: media.sha256 }],
  });
  const id = expectStatus(created, 201, 'create bulletin').bulletin.id;
  expectStatus(await server.api('POST', `/api/v1/bulletins/${id}/submit`), 200, 'submit');
  expectStatus(await server.api('POST', `/api/v1/bulletins/${id}/approve`), 200, 'approve');
  return { bulletinId: id, sha256: media.sha256, durationMs: media.durationMs };
}

/**
 * A one-off schedule at the exact instant `at` (ISO with Z: no rounding to the minute). Returns the
 * occurrence key the receivers play it under: `s<schedule>r<revision>t<instant>`.
 */
export async function scheduleOnce(
  server: TestServer,
  bulletinId: number,
  at: number,
  targets: Array<{ unit: string } | { device: string }>,
  unitCode = '19753',
): Promise<{ scheduleId: number; key: string }> {
  const res = await server.api<{ schedule: { id: number } }>('POST', '/api/v1/schedules', {
    bulletinId,
    recurrence: { kind: 'once', at: new Date(at).toISOString() },
    targets,
    unitCode,
    acceptConflicts: true,
  });
  const scheduleId = expectStatus(res, 201, 'schedule').schedule.id;
  return { scheduleId, key: `s${scheduleId}r1t${at}` };
}

/** The server's proof of play for one receiver around `at`. */
export async function reportItem(server: TestServer, deviceId: string, key: string): Promise<ReportItem | undefined> {
  const at = Number(key.split('t').at(-1));
  const range = `from=${new Date(at - 3_600_000).toISOString()}&to=${new Date(at + 3_600_000).toISOString()}`;
  const res = await server.api<{ items: ReportItem[] }>('GET', `/api/v1/devices/${deviceId}/schedule-report?${range}`);
  return expectStatus(res, 200, 'schedule report').items.find((i) => i.occurrenceKey === key);
}
