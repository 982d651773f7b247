import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../errors.js';

interface Rendered {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

function classify(err: unknown): Rendered {
  if (err instanceof AppError)
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (err instanceof ZodError) {
    // A service validated input the route could not (e.g. an edit merged with the stored version).
    const details = err.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    const message = `invalid input: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`;
    return { status: 400, code: 'validation_failed', message, details };
  }
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const details = fe.validation.map((v) => ({ path: v.instancePath || '/', message: v.message }));
    const where = fe.validationContext ?? 'request';
    return { status: 400, code: 'validation_failed', message: `invalid ${where}`, details };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413 || fe.code === 'FST_REQ_FILE_TOO_LARGE')
    return { status: 413, code: 'payload_too_large', message: fe.message };
  if (status === 415) return { status, code: 'unsupported_media', message: fe.message };
  if (status === 429) return { status, code: 'too_many_requests', message: fe.message };
  if (status >= 400 && status < 500) return { status, code: 'bad_request', message: fe.message };
  return { status: 500, code: 'internal', message: 'internal error' };
}

/** One error handler: `{error:{code,message,details?},requestId}`; a 5xx never shows internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const r = classify(err);
    request.errorCode = r.code;
    if (r.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: r.code, msg: r.message }, 'request refused');
    const { status, ...rendered } = r;
    const error = rendered.details === undefined ? { code: r.code, message: r.message } : rendered;
    return reply.status(status).send({ error, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      requestId: request.id,
    }),
  );
}
