import path from 'node:path';
import type { Config } from './config.ts';
import { createModules, type Modules } from './modules/index.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { PlatformContext } from './platform/context.ts';
import { loadRootSecret, Secrets } from './platform/crypto/secrets.ts';
import { type Database, openDatabase } from './platform/db/client.ts';
import { migrateToLatest } from './platform/db/migrator.ts';
import { runSeeders, type SeedResult } from './platform/db/seed.ts';
import { registerHealthRoutes } from './platform/http/health.routes.ts';
import { Metrics } from './platform/http/metrics.ts';
import { createHttpRoot, type HttpServer, installWebStack } from './platform/http/server.ts';
import { EventBus } from './platform/jobs/events.ts';
import { JobQueue } from './platform/jobs/queue.ts';
import { createLogger, type Logger } from './platform/log.ts';
import { Mailer } from './platform/mail/mailer.ts';
import { renderErrorPage } from './web/index.ts';

export interface AppOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  /** Purpose recorded in the embedded data-dir lock ("fhiriq serve", "fhiriq migrate"). */
  purpose?: string;
  /** Job polling interval; tests shorten it. */
  pollingIntervalSeconds?: number;
  /** Load reference data at start (default true; `fhiriq migrate` only migrates). */
  seed?: boolean;
}

/**
 * The composition root: opens the database, applies migrations, builds the
 * platform services and the modules. `createApp` prepares; `serve`, `work`
 * and `stop` are what the CLI commands call.
 */
export class App {
  http: HttpServer | undefined;
  #shuttingDown = false;

  private constructor(
    readonly ctx: PlatformContext,
    readonly modules: Modules,
    readonly metrics: Metrics,
    readonly ownsDatabase: boolean,
  ) {}

  static async create(options: AppOptions): Promise<App> {
    const { config } = options;
    const log = options.log ?? createLogger(config.logLevel);
    const clock = options.clock ?? systemClock;
    const database =
      options.database ??
      (await openDatabase({
        databaseUrl: config.databaseUrl,
        pgliteDir: path.join(config.dataDir, 'pglite'),
        poolMax: config.databasePoolMax,
        lockPurpose: options.purpose ?? 'fhiriq',
      }));
    try {
      const applied = await migrateToLatest(database.db);
      if (applied.length) log.info({ applied }, 'migrations applied');
      const root = loadRootSecret(config.appSecret, config.dataDir);
      const secrets = new Secrets(root.secret);
      const jobs = new JobQueue(database, log, {
        concurrency: config.jobConcurrency,
        pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
      });
      const mail = new Mailer(
        database.db,
        jobs,
        clock,
        log,
        config.mailFrom,
        config.smtpUrl,
        config.mailRetentionDays,
      );
      const events = new EventBus(jobs);
      const ctx: PlatformContext = {
        config,
        clock,
        log,
        database,
        db: database.db,
        jobs,
        events,
        mail,
        secrets,
      };
      const modules = createModules(ctx);
      const metrics = new Metrics();
      metrics.setJobCounts(() => jobs.counts());
      const app = new App(ctx, modules, metrics, !options.database);
      if (options.seed !== false) await app.seed();
      await jobs.start();
      return app;
    } catch (err) {
      if (!options.database) await database.close().catch(() => {});
      throw err;
    }
  }

  /** Loads every module's reference data; idempotent. */
  async seed(): Promise<SeedResult[]> {
    return runSeeders(
      this.ctx.db,
      this.modules.all.flatMap((m) => m.seeders ?? []),
    );
  }

  /** Builds the HTTP server with every module's routes (does not listen). */
  async buildHttp(): Promise<HttpServer> {
    if (this.http) return this.http;
    const options = {
      config: this.ctx.config,
      log: this.ctx.log,
      secrets: this.ctx.secrets,
      metrics: this.metrics,
      renderErrorPage,
    };
    const http = await createHttpRoot(options);
    // Two sibling scopes over the core: hooks of one never run for the other's routes. Machines
    // calling the license API pay for no session, cookie, CSRF or compression hook.
    await http.register(async (machines) => {
      for (const m of this.modules.all) await m.registerMachineRoutes?.(machines);
    });
    await http.register(async (web) => {
      await installWebStack(web, options);
      await registerHealthRoutes(web, {
        database: this.ctx.database,
        jobs: this.ctx.jobs,
        metrics: this.metrics,
        isShuttingDown: () => this.#shuttingDown,
        metricsToken: this.ctx.config.metricsToken,
      });
      for (const m of this.modules.all) await m.registerRoutes?.(web);
    });
    await http.ready();
    this.http = http;
    return http;
  }

  /** Starts HTTP on the configured host and port; returns the bound address. */
  async listen(): Promise<string> {
    const http = await this.buildHttp();
    return http.listen({ host: this.ctx.config.host, port: this.ctx.config.port });
  }

  /**
   * Each module's warm-up (AppModule.warm), one after the other; a failing one is logged and
   * the next runs. Returns their console lines. Stops early when the app is stopping.
   */
  async warm(): Promise<string[]> {
    const lines: string[] = [];
    for (const m of this.modules.all) {
      if (!m.warm || this.#shuttingDown) continue;
      try {
        const line = await m.warm();
        if (line) lines.push(line);
      } catch (err) {
        this.ctx.log.error({ err, module: m.name }, 'warm-up failed');
      }
    }
    return lines;
  }

  /** Starts consuming jobs in this process. */
  async work(): Promise<void> {
    await this.ctx.jobs.work();
  }

  /**
   * Graceful stop: refuse new requests, let in-flight requests and running jobs
   * finish (bounded by SHUTDOWN_TIMEOUT_MS), then close the database.
   */
  async stop(): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    const timeout = this.ctx.config.shutdownTimeoutMs;
    const bounded = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<void>((resolve) => setTimeout(resolve, timeout).unref())]);
    await bounded(this.http?.close() ?? Promise.resolve());
    await bounded(this.ctx.jobs.stop(timeout));
    for (const m of this.modules.all) if (m.stop) await bounded(m.stop());
    await this.ctx.mail.close();
    if (this.ownsDatabase) await this.ctx.database.close();
  }
}
