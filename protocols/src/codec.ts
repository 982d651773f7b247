import type { z } from 'zod';
import { type AreaKind, type DeviceKind, kindFor, type MessageKind, type Payload, registry } from './registry.js';
import { type AreaPath, areaTopic, deviceTopic, parseTopic } from './topics.js';

/** Largest payload we accept; a receiver never needs more and a flood of huge messages is refused. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export interface Outgoing {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

function build(kind: MessageKind, topic: string, payload: unknown): Outgoing {
  const spec = registry[kind];
  // Validating on the way out catches our own bugs before a receiver sees them.
  const parsed = (spec.schema as z.ZodType).parse(payload);
  return { topic, payload: Buffer.from(JSON.stringify(parsed)), qos: spec.qos, retain: spec.retain };
}

export function encodeForDevice<K extends DeviceKind>(kind: K, deviceId: string, payload: Payload<K>): Outgoing {
  return build(kind, deviceTopic(deviceId, registry[kind].suffix), payload);
}

export function encodeForArea<K extends AreaKind>(kind: K, path: AreaPath, payload: Payload<K>): Outgoing {
  return build(kind, areaTopic(path, registry[kind].suffix), payload);
}

export type Decoded = {
  [K in MessageKind]: {
    ok: true;
    kind: K;
    message: Payload<K>;
    deviceId?: string;
    areaPath?: string[];
  };
}[MessageKind];

export type DecodeErrorCode = 'unknown_topic' | 'too_large' | 'not_json' | 'invalid';
export type DecodeResult = Decoded | { ok: false; code: DecodeErrorCode; message: string };

/** Decodes any message of the contract. Never throws: bad input gives `{ok: false}` to log and drop. */
export function decode(topic: string, payload: Buffer | Uint8Array | string): DecodeResult {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic) return { ok: false, code: 'unknown_topic', message: `topic outside the contract: ${topic}` };
  const kind = kindFor(parsedTopic.scope, parsedTopic.suffix);
  if (!kind) return { ok: false, code: 'unknown_topic', message: `no message kind for ${topic}` };
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) return { ok: false, code: 'too_large', message: `payload of ${size} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, code: 'not_json', message: 'payload is not JSON' };
  }
  const result = (registry[kind].schema as z.ZodType).safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, code: 'invalid', message: `${kind}: ${issues.slice(0, 5).join('; ')}` };
  }
  const where = parsedTopic.scope === 'device' ? { deviceId: parsedTopic.deviceId } : { areaPath: parsedTopic.path };
  return { ok: true, kind, message: result.data, ...where } as Decoded;
}
