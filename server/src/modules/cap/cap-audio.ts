/**
 * What a CAP alert airs: its attached audio resource, checked against its digest (SHA-1 per CAP 1.2,
 * SHA-256 accepted), or else Vietnamese TTS of its headline, description and instruction. Either way the
 * audio goes through the media pipeline (loudness, broadcast MP3) like any upload. A resource that is
 * given but bad refuses the alert: reading out a text instead would air something the sender did not send.
 */
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import type { TtsSynthesizer } from '../library/library-jobs.js';
import type { MediaService } from '../media/media.service.js';
import type { CapConfig } from './cap.config.js';
import type { CapInfo, CapResource } from './cap-message.js';
import { audioResource, spokenText } from './cap-rules.js';

export interface CapAudioDeps {
  media: Pick<MediaService, 'ingest' | 'tempPath'>;
  tts: TtsSynthesizer | undefined;
  config: Pick<CapConfig, 'resourceMaxBytes' | 'resourceTimeoutMs'>;
  fetch?: typeof fetch;
}

export interface CapAudio {
  origin: 'resource' | 'tts';
  sha256: string;
}

const refused = (reason: string, message: string, details: object = {}) =>
  new AppError('unprocessable', message, { reason, ...details });

async function readCapped(body: ReadableStream<Uint8Array> | null, max: number, uri: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw refused('resource_too_large', `the audio resource ${uri} is larger than ${max} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

async function fetchResource(deps: CapAudioDeps, uri: string): Promise<Buffer> {
  const max = deps.config.resourceMaxBytes;
  const signal = AbortSignal.timeout(deps.config.resourceTimeoutMs);
  try {
    const res = await (deps.fetch ?? fetch)(uri, { signal, redirect: 'follow' });
    if (!res.ok) throw refused('resource_unreachable', `the audio resource ${uri} answered HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? 0) > max)
      throw refused('resource_too_large', `the audio resource ${uri} is larger than ${max} bytes`);
    return await readCapped(res.body, max, uri);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const why = signal.aborted ? `no answer within ${deps.config.resourceTimeoutMs} ms` : (err as Error).message;
    throw refused('resource_unreachable', `the audio resource ${uri} could not be fetched: ${why}`);
  }
}

/** The resource's bytes: inline (derefUri, base64) first, else fetched from an http(s) uri. */
export async function resourceBytes(deps: CapAudioDeps, r: CapResource): Promise<Buffer> {
  if (r.derefUri !== undefined) {
    const b64 = r.derefUri.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0)
      throw refused('resource_bad_base64', 'the audio resource derefUri is not base64');
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length > deps.config.resourceMaxBytes)
      throw refused('resource_too_large', `the audio resource is larger than ${deps.config.resourceMaxBytes} bytes`);
    return bytes;
  }
  if (r.uri && /^https?:\/\//i.test(r.uri)) return fetchResource(deps, r.uri);
  throw refused('resource_unreachable', `the audio resource has no derefUri and no http(s) uri (${r.uri ?? 'none'})`);
}

/** Refuses bytes that are not what the sender described (digest, then size). */
export function checkResource(bytes: Buffer, r: CapResource): void {
  if (r.digest) {
    const algorithm = r.digest.length === 40 ? 'sha1' : 'sha256';
    const actual = createHash(algorithm).update(bytes).digest('hex');
    if (actual !== r.digest)
      throw refused('digest_mismatch', `the audio resource does not match its ${algorithm.toUpperCase()} digest`, {
        expected: r.digest,
        actual,
      });
  }
  if (r.size !== undefined && r.size !== bytes.length)
    throw refused('size_mismatch', `the audio resource is ${bytes.length} bytes, its <size> says ${r.size}`);
}

async function ingestBytes(
  deps: CapAudioDeps,
  bytes: Buffer,
  name: string,
  unitId: number,
): Promise<{ sha256: string }> {
  const temp = deps.media.tempPath('.cap');
  try {
    await writeFile(temp, bytes);
    return await deps.media.ingest({ tempPath: temp, originalName: name, unitId, createdBy: null });
  } finally {
    await rm(temp, { force: true });
  }
}

/** Produces the processed broadcast file for an alert's chosen info block. */
export async function produceAudio(deps: CapAudioDeps, info: CapInfo, unitId: number, name: string): Promise<CapAudio> {
  const resource = audioResource(info);
  if (resource) {
    const bytes = await resourceBytes(deps, resource);
    checkResource(bytes, resource);
    const file = await ingestBytes(deps, bytes, `${name}.audio`, unitId);
    return { origin: 'resource', sha256: file.sha256 };
  }
  if (!deps.tts) throw new AppError('unavailable', 'the alert has no audio and text-to-speech is not available');
  const text = spokenText(info);
  deps.tts.normalize(text); // a clear 4xx for text the engine cannot read, before any work
  const speech = await deps.tts.synthesize({ text }, {});
  const file = await ingestBytes(deps, speech.audio, `${name}.${speech.format}`, unitId);
  return { origin: 'tts', sha256: file.sha256 };
}
