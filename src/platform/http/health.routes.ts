import Type from 'typebox';
import type { Database } from '../db/client.ts';
import { migrationStatus } from '../db/migrator.ts';
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
  deps: { database: Database; jobs: JobQueue; metrics: Metrics; isShuttingDown: () => boolean },
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
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
