import websocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors.js';
import { readableUnit } from '../library/library-access.js';
import type { ScopeQueries } from '../units/scope.js';
import type { UnitsService } from '../units/units.service.js';
import { MountIdSchema, MountSchema, StartMountSchema } from './live.schemas.js';
import type { LiveService } from './live.service.js';

const Params = z.object({ id: MountIdSchema });
const MountReply = z.object({ mount: MountSchema, streamUrl: z.string() });

export const liveRoutes: FastifyPluginAsync<{
  live: LiveService;
  units: UnitsService;
  scopes: ScopeQueries;
  /** Which libraries hold a file: a file source must be one the operator may read (library-access.ts). */
  catalog: { unitsHolding(sha256: string): number[] };
}> = async (base, { live, units, scopes, catalog }) => {
  await base.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Ending every mount first lets the HTTP server close: a listener's response never ends by itself.
  app.addHook('preClose', async () => live.close());
  // @fastify/websocket closes a refused upgrade's socket only if its own onRequest hook ran, but the
  // access hook's 401/403 come first; Node leaves an upgrade socket half-open, so close it here (a
  // successful upgrade is hijacked and never reaches onResponse).
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
  });

  const mountUnit = (r: FastifyRequest) => live.unitOf((r.params as { id: string }).id);
  const reply = (id: string) => {
    const mount = live.get(id);
    if (!mount) throw notFound(`live mount ${id}`);
    return { mount, streamUrl: live.streamUrl(id) };
  };

  app.get(
    '/api/v1/live',
    {
      config: { access: { permission: 'live.read', unit: 'filter' } },
      schema: { response: { 200: z.object({ mounts: z.array(MountSchema) }) } },
    },
    async (request) => ({ mounts: live.list((unitId) => scopes.inScope(request.scope, unitId)) }),
  );

  app.get(
    '/api/v1/live/:id',
    {
      config: { access: { permission: 'live.read', unit: mountUnit } },
      schema: { params: Params, response: { 200: MountReply } },
    },
    async (request) => reply(request.params.id),
  );

  app.post(
    '/api/v1/live',
    {
      config: {
        access: {
          permission: 'live.broadcast',
          unit: (r) => {
            const code = (r.body as { unitCode: string }).unitCode;
            const unit = units.byCode(code);
            if (!unit) throw notFound(`unit ${code}`);
            return unit.id;
          },
        },
      },
      schema: { body: StartMountSchema, response: { 201: MountReply } },
    },
    async (request, res) => {
      const { unitCode, ...input } = request.body;
      if (input.kind === 'file') {
        const holder = readableUnit(scopes, request.scope, catalog.unitsHolding(input.sha256));
        if (holder === null) throw notFound(`media ${input.sha256}`);
        if (!scopes.inScope(request.scope, holder))
          throw new AppError('forbidden', 'this audio belongs to a library outside your unit');
      }
      const unitId = units.byCode(unitCode)?.id as number;
      const actor = request.user?.username ?? 'unknown';
      const mount = await live.start({ ...input, unitId }, { label: actor });
      request.audit.targetType = 'live_mount';
      request.audit.targetId = mount.id;
      request.audit.details = {
        kind: input.kind,
        title: input.title,
        ...(input.kind === 'relay' ? { url: redactUrl(input.url) } : {}),
        ...(input.kind === 'file' ? { sha256: input.sha256, plays: input.plays ?? 1 } : {}),
        icecast: mount.icecast !== null,
      };
      return res.status(201).send(reply(mount.id));
    },
  );

  app.delete(
    '/api/v1/live/:id',
    {
      config: { access: { permission: 'live.broadcast', unit: mountUnit } },
      schema: { params: Params, response: { 200: MountReply } },
    },
    async (request) => {
      live.stop(request.params.id, 'stopped');
      request.audit.targetType = 'live_mount';
      return reply(request.params.id);
    },
  );

  // The browser's microphone: MediaRecorder chunks as binary messages (session cookie, like the console).
  app.get(
    '/api/v1/live/:id/source',
    {
      websocket: true,
      config: { access: { permission: 'live.broadcast', unit: mountUnit } },
      schema: { params: Params },
    },
    (socket, request) => {
      try {
        live.attachMic(request.params.id, socket);
        request.log.info({ mount: request.params.id, user: request.user?.username }, 'microphone source connected');
      } catch (err) {
        socket.close(4409, err instanceof Error ? err.message.slice(0, 120) : 'refused');
      }
    },
  );

  /**
   * The mount itself, Icecast-style: receivers with their device credentials (a receiver at or below the
   * mount's unit), users in scope for a console preview. The socket leaves Fastify: the fan-out writes
   * the stream to it directly, as HTTP/1.0 with no length, until the mount ends or the listener leaves.
   */
  app.get(
    '/live/:id.mp3',
    {
      exposeHeadRoute: false,
      config: { access: { permission: 'live.read', unit: mountUnit, device: true } },
      schema: { params: Params },
    },
    async (request, res) => {
      const { id } = request.params;
      const mount = live.mount(id);
      if (!mount) throw notFound(`live mount ${id}`);
      const device = request.device;
      if (device && !scopes.contains(mount.unitId, device.unitId))
        throw new AppError('forbidden', 'this receiver is outside the unit of this broadcast');
      if (mount.state() === 'ended') throw new AppError('not_found', `live mount ${id} has ended`);
      res.hijack();
      if (!mount.addListener(request.raw.socket)) request.raw.socket.end('HTTP/1.0 404 Not Found\r\n\r\n');
    },
  );
};

/** A relayed URL may carry a password; the audit log keeps the rest. */
function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
