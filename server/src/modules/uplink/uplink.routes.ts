import type { FastifyPluginAsync } from 'fastify';
import type { Uplink } from './uplink.js';

/** The province's link to the national system, as an operator sees it: on or off, last success, backlog. */
export const uplinkRoutes: FastifyPluginAsync<{ uplink: Uplink }> = async (app, opts) => {
  app.get(
    '/api/uplink/status',
    // The link serves the whole server; any holder of the permission sees it (their own unit is the target).
    { config: { access: { permission: 'uplink.view', unit: (r) => r.user?.unitId } } },
    async () => opts.uplink.status(),
  );
};
