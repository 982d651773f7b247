import { expect, vi } from 'vitest';
import type { TestServer } from './server.js';

export interface Reach {
  targeted: number;
  received: number;
  started: number;
  playing: number;
  finished: number;
  failed: number;
  offline: number;
  joinedLate: number;
  latencyMs: Record<
    'received' | 'started',
    { count: number; p50: number | null; p99: number | null; max: number | null }
  >;
  offlineReceivers: string[];
  failures: Array<{ deviceId: string; reason: string }>;
}
export interface EmergencyView {
  id: string;
  state: string;
  approvedOnSend: boolean;
}

export const WAIT = { timeout: 90_000, interval: 200 };

/** Starts an emergency as `token` (default admin); throws with the body unless it was created. */
export async function startEmergency(server: TestServer, body: Record<string, unknown>, token?: string) {
  const res = await server.api<{ emergency: EmergencyView; targeted: number }>(
    'POST',
    '/api/v1/emergencies',
    { title: 'Cảnh báo bão khẩn cấp', validForS: 120, ...body },
    token,
  );
  if (res.status !== 201) throw new Error(`start emergency: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function emergencyOf(server: TestServer, id: string) {
  const res = await server.api<{ emergency: EmergencyView; reach: Reach }>('GET', `/api/v1/emergencies/${id}`);
  if (res.status !== 200) throw new Error(`get emergency: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until the reach satisfies `check` (an expect-based assertion) and returns it. */
export function waitReach(server: TestServer, id: string, check: (r: Reach, e: EmergencyView) => void, why = '') {
  return vi.waitFor(async () => {
    const { emergency, reach } = await emergencyOf(server, id);
    try {
      check(reach, emergency);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nreach: ${JSON.stringify(reach)} ${why.slice(-2000)}`);
    }
    return { emergency, reach };
  }, WAIT);
}

export const waitState = (server: TestServer, id: string, state: string) =>
  waitReach(server, id, (_r, e) => expect(e.state).toBe(state));
