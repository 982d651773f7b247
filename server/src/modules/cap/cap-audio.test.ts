import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { type CapAudioDeps, checkResource, resourceBytes } from './cap-audio.js';

const bytes = Buffer.from('ID3 not really an mp3 but bytes are bytes');
const sha1 = createHash('sha1').update(bytes).digest('hex');
const sha256 = createHash('sha256').update(bytes).digest('hex');
const res = (over: object = {}) => ({ resourceDesc: 'Bản tin', mimeType: 'audio/mpeg', ...over });

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return (err.details as { reason: string }).reason;
    throw err;
  }
  return undefined;
}

describe('CAP audio resource checks', () => {
  it('accepts a matching SHA-1 or SHA-256 digest and refuses a mismatch', () => {
    expect(reasonOf(() => checkResource(bytes, res({ digest: sha1 })))).toBeUndefined();
    expect(reasonOf(() => checkResource(bytes, res({ digest: sha256 })))).toBeUndefined();
    expect(reasonOf(() => checkResource(bytes, res({ digest: 'f'.repeat(40) })))).toBe('digest_mismatch');
    expect(reasonOf(() => checkResource(bytes, res({ digest: sha1, size: 3 })))).toBe('size_mismatch');
  });

  let server: ReturnType<typeof createServer>;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, reply) => {
      if (req.url === '/ok.mp3') reply.end(bytes);
      else if (req.url === '/big.mp3') reply.end(Buffer.alloc(4096));
      else if (req.url === '/slow.mp3') setTimeout(() => reply.end(bytes), 5000).unref();
      else reply.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const deps = (over: Partial<CapAudioDeps['config']> = {}): CapAudioDeps => ({
    media: { ingest: async () => ({}) as never, tempPath: () => '' },
    tts: undefined,
    config: { resourceMaxBytes: 1024, resourceTimeoutMs: 500, ...over },
  });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (err: AppError) => (err.details as { reason: string }).reason,
    );

  it('fetches an http uri, bounded in size and time, and names what went wrong', async () => {
    expect(await resourceBytes(deps(), res({ uri: `${base}/ok.mp3` }))).toEqual(bytes);
    expect(await failure(resourceBytes(deps(), res({ uri: `${base}/missing.mp3` })))).toBe('resource_unreachable');
    expect(await failure(resourceBytes(deps(), res({ uri: `${base}/big.mp3` })))).toBe('resource_too_large');
    expect(await failure(resourceBytes(deps(), res({ uri: `${base}/slow.mp3` })))).toBe('resource_unreachable');
    expect(await failure(resourceBytes(deps(), res({ uri: 'ftp://example.org/a.mp3' })))).toBe('resource_unreachable');
  });

  it('decodes an inline derefUri first, refusing what is not base64', async () => {
    const inline = res({ derefUri: bytes.toString('base64').replace(/(.{20})/g, '$1\n'), uri: `${base}/missing.mp3` });
    expect(await resourceBytes(deps(), inline)).toEqual(bytes);
    expect(await failure(resourceBytes(deps(), res({ derefUri: 'not base64!' })))).toBe('resource_bad_base64');
    expect(await failure(resourceBytes(deps({ resourceMaxBytes: 8 }), res({ derefUri: 'AAAAAAAAAAAAAAAA' })))).toBe(
      'resource_too_large',
    );
  });
});
