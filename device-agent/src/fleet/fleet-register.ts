import { randomBytes } from 'node:crypto';
import type { FleetDevice } from './fleet.js';

export interface RegisteredFleetDevice extends FleetDevice {
  brokerUrl: string;
}

/** A few requests in flight: enough to register thousands in seconds without queueing up on the server. */
const CONCURRENCY = 8;

/**
 * Registers `count` new receivers through the HTTP API (POST /api/v1/devices) and returns their
 * credentials. Each run uses fresh hardware ids (a random batch prefix), so a second run never hits the
 * 409 of an existing hardware id and no secret has to be rotated.
 */
export async function registerFleetDevices(opts: {
  server: string;
  token: string;
  unitCode: string;
  count: number;
  fetch?: typeof fetch;
  onProgress?: (done: number) => void;
}): Promise<RegisteredFleetDevice[]> {
  const doFetch = opts.fetch ?? fetch;
  const batch = randomBytes(4).toString('hex');
  const out: RegisteredFleetDevice[] = new Array(opts.count);
  let next = 0;

  async function registerOne(i: number): Promise<void> {
    const res = await doFetch(`${opts.server}/api/v1/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        unitCode: opts.unitCode,
        name: `Máy thu mô phỏng ${batch}-${i + 1}`,
        hardwareId: `fleet-${batch}-${i + 1}`,
      }),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`registering receiver ${i + 1} failed: HTTP ${res.status} ${text}`);
    const { credentials } = JSON.parse(text) as { credentials: RegisteredFleetDevice };
    out[i] = { deviceId: credentials.deviceId, secret: credentials.secret, brokerUrl: credentials.brokerUrl };
  }

  async function worker(): Promise<void> {
    while (next < opts.count) {
      const i = next++;
      await registerOne(i);
      if ((i + 1) % 500 === 0) opts.onProgress?.(i + 1);
    }
  }

  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, opts.count) }, worker));
  return out;
}

/** Reads a credentials file's array, keeping only well-formed entries' fields. */
export function parseCredentials(json: unknown): FleetDevice[] {
  if (!Array.isArray(json)) throw new Error('credentials file: expected a JSON array of {deviceId, secret}');
  return json.map((e: unknown, i) => {
    const { deviceId, secret } = (e ?? {}) as { deviceId?: unknown; secret?: unknown };
    if (typeof deviceId !== 'string' || typeof secret !== 'string')
      throw new Error(`credentials file: entry ${i} needs string deviceId and secret`);
    return { deviceId, secret };
  });
}
