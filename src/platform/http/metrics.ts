import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type JobCountsProvider = () => Promise<{ queue: string; state: string; count: number }[]>;

/**
 * Prometheus metrics, one registry per app instance (tests build several apps
 * in one process; the global default registry would collide).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  #jobCounts: JobCountsProvider | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fhiriq_' });
    this.httpDuration = new Histogram({
      name: 'fhiriq_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const self = this;
    new Gauge({
      name: 'fhiriq_jobs',
      help: 'Jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        if (!self.#jobCounts) return;
        for (const row of await self.#jobCounts())
          this.set({ queue: row.queue, state: row.state }, row.count);
      },
    });
  }

  setJobCounts(provider: JobCountsProvider): void {
    this.#jobCounts = provider;
  }

  install(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      // The route template, never the raw URL: ids in paths would explode cardinality.
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
