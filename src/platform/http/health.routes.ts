import Type from 'typebox';
import { safeEqual } from '../crypto/secrets.ts';
import type { Database } from '../db/client.ts';
import { migrationStatus } from '../db/migrator.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Metrics } from './metrics.ts';
import type { HttpServer } from './server.ts';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({ database: Check, migrations: Check, queue: Check }),
});

/** Liveness, readiness and metrics: what a load balancer and Prometheus ask. */
export async function registerHealthRoutes(
  app: HttpServer,
  deps: {
    database: Database;
    jobs: JobQueue;
    metrics: Metrics;
    isShuttingDown: () => boolean;
    /** METRICS_TOKEN: without one, only loopback connections read /metrics. */
    metricsToken: string | undefined;
  },
): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: database reachable, migrations current, job queue running',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const checks = {
        database: { ok: false, detail: deps.database.kind } as { ok: boolean; detail?: string },
        migrations: { ok: false } as { ok: boolean; detail?: string },
        queue: { ok: deps.jobs.running, detail: deps.jobs.working ? 'running, working here' : 'running' },
      };
      if (!deps.jobs.running) checks.queue.detail = 'stopped';
      try {
        await deps.database.pool.query('SELECT 1');
        checks.database.ok = true;
        const m = await migrationStatus(deps.database.db);
        checks.migrations = m.pending.length
          ? { ok: false, detail: `pending: ${m.pending.join(', ')}` }
          : { ok: true, detail: `${m.applied} applied` };
      } catch (err) {
        checks.database.detail = `unreachable: ${(err as Error).message}`;
      }
      const ready = !deps.isShuttingDown() && checks.database.ok && checks.migrations.ok && checks.queue.ok;
      reply.code(ready ? 200 : 503);
      return { status: ready ? ('ready' as const) : ('not_ready' as const), checks };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (bearer METRICS_TOKEN, or loopback only without one)',
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      // Route names, job counts and process figures describe the deployment: not for the public.
      // The socket's own address, not request.ip: X-Forwarded-For must not make a remote caller local.
      if (deps.metricsToken) {
        const [scheme, token] = (request.headers.authorization ?? '').split(' ');
        if (scheme?.toLowerCase() !== 'bearer' || !token || !safeEqual(token, deps.metricsToken))
          throw new AppError(
            'UNAUTHENTICATED',
            'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
          );
      } else if (!isLoopback(request.socket.remoteAddress)) {
        throw new AppError('FORBIDDEN', 'Set METRICS_TOKEN to read /metrics from another host.');
      }
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}
