import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contentRange, decideRange, notModified } from './http-range.js';

/** Content-addressed: the bytes behind a sha256 never change, so caches may keep them forever. */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

/**
 * Sends a stored MP3 with its sha256 as a strong ETag, answering If-None-Match, If-Range and a single
 * byte Range: what receivers resuming a download and browsers seeking in a preview both need.
 */
export function sendAudio(
  request: FastifyRequest,
  reply: FastifyReply,
  stored: { path: string; sizeBytes: number; sha256: string },
) {
  const etag = `"${stored.sha256}"`;
  const size = stored.sizeBytes;
  reply.header('ETag', etag).header('Cache-Control', CACHE_CONTROL).header('Accept-Ranges', 'bytes');
  if (notModified(request.headers['if-none-match'], etag)) return reply.status(304).send();

  const ifRange = request.headers['if-range'];
  const decision = decideRange(request.headers.range, size, {
    header: typeof ifRange === 'string' ? ifRange : undefined,
    etag,
  });
  const range = contentRange(decision, size);
  if (range) reply.header('Content-Range', range);
  // 416 is a protocol answer about this representation, not an API error: no JSON body.
  if (decision.kind === 'unsatisfiable') return reply.status(416).send();

  const [start, end] = decision.kind === 'partial' ? [decision.start, decision.end] : [0, size - 1];
  reply
    .status(decision.kind === 'partial' ? 206 : 200)
    .header('Content-Type', 'audio/mpeg')
    .header('Content-Length', String(end - start + 1));
  return reply.send(createReadStream(stored.path, { start, end }));
}
