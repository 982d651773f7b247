import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import type { ScopeQueries } from '../units/scope.js';
import type { JobRunner } from './job-runner.js';
import { JOB_STATES, JobSchema } from './jobs.schemas.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const ListQuery = z.object({
  state: z.enum(JOB_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Jobs belong to the unit they work for: reading needs media.read there, cancelling media.write. */
export const jobsRoutes: FastifyPluginAsync<{ jobs: JobRunner; scopes: ScopeQueries }> = async (base, opts) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const jobUnit = (r: FastifyRequest) => {
    const { id } = r.params as { id: number };
    const job = opts.jobs.get(id);
    if (!job) throw notFound(`job ${id}`);
    r.audit.targetType = 'job';
    return job.unitId;
  };

  app.get(
    '/api/v1/jobs',
    {
      config: { access: { permission: 'media.read', unit: 'filter' } },
      schema: { querystring: ListQuery, response: { 200: z.object({ jobs: z.array(JobSchema) }) } },
    },
    async (request) => ({
      jobs: opts.jobs.list({
        ...request.query,
        ...(request.scope.all ? {} : { unitIds: opts.scopes.subtreeIds(request.scope.unitId) }),
      }),
    }),
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      config: { access: { permission: 'media.read', unit: jobUnit } },
      schema: { params: IdParams, response: { 200: z.object({ job: JobSchema }) } },
    },
    async (request) => ({ job: opts.jobs.get(request.params.id)! }),
  );

  app.post(
    '/api/v1/jobs/:id/cancel',
    {
      config: { access: { permission: 'media.write', unit: jobUnit } },
      schema: { params: IdParams, response: { 200: z.object({ job: JobSchema }) } },
    },
    async (request) => ({ job: await opts.jobs.cancel(request.params.id) }),
  );
};
